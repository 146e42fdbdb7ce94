// Throttling per (app, mailbox) and every seeded fault of the profile; TLS.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "sim/tenant_certificate.hpp"
#include "tests/sim/sim_harness.hpp"

using namespace m365::sim::testing;
namespace json = boost::json;

namespace {

std::string folders_url(sim_harness& h, size_t t = 0, size_t u = 0) {
  return h.graph() + "/users/" + h.user_upn(t, u) + "/mailFolders";
}

void set_faults(sim_harness& h, const std::string& profile) {
  auto [status, body] = h.control("PUT", "/_sim/faults", profile);
  REQUIRE(status == 200);
}

} // namespace

TEST_CASE("429 carries a fractional Retry-After and early retries are counted", "[sim][throttle][faults]") {
  auto options = sim_harness::defaults();
  options.early_grace_ms = 0;  // count from the instant the 429 left
  sim_harness h{options};
  std::string tok = h.token(0);
  set_faults(h, R"({"throttle_429":1.0,"retry_after_seconds":[1.5]})");
  auto r = h.http().get(folders_url(h), h.auth(tok));
  CHECK(r.status == 429);
  CHECK(r.header("retry-after") == "1.5");
  CHECK(json::parse(r.body).at("error").at("code").as_string() == "ApplicationThrottled");
  CHECK(h.state().stats().early_requests_total() == 0);
  set_faults(h, "{}");
  auto again = h.http().get(folders_url(h), h.auth(tok)); // well inside the 1.5 s
  CHECK(again.status == 200);
  CHECK(h.state().stats().early_requests_total() == 1);
  auto [status, counters] = h.control("GET", "/_sim/counters");
  CHECK(counters.at("early_requests").at("by_mailbox").at(h.user_upn(0, 0)).as_int64() == 1);
  // Another mailbox of the same app was never told to wait.
  CHECK(h.http().get(folders_url(h, 0, 1), h.auth(tok)).status == 200);
  CHECK(h.state().stats().early_requests_total() == 1);
}

TEST_CASE("a request already in flight when the 429 left is not counted as early",
          "[sim][throttle][faults]") {
  auto options = sim_harness::defaults();
  options.early_grace_ms = 10000;  // everything this test sends is within the grace
  sim_harness h{options};
  std::string tok = h.token(0);
  set_faults(h, R"({"throttle_429":1.0,"retry_after_seconds":[30]})");
  CHECK(h.http().get(folders_url(h), h.auth(tok)).status == 429);
  set_faults(h, "{}");
  CHECK(h.http().get(folders_url(h), h.auth(tok)).status == 200);
  CHECK(h.state().stats().early_requests_total() == 0);
}

TEST_CASE("429 can come without Retry-After", "[sim][throttle][faults]") {
  sim_harness h;
  std::string tok = h.token(0);
  set_faults(h, R"({"throttle_429_no_retry_after":1.0})");
  auto r = h.http().get(folders_url(h), h.auth(tok));
  CHECK(r.status == 429);
  CHECK(r.headers.count("retry-after") == 0);
}

TEST_CASE("more than 4 concurrent requests per mailbox get 429", "[sim][throttle]") {
  sim_harness h;
  std::string tok = h.token(0);
  // Every request holds its slot for a while, so six parallel ones overlap for sure.
  set_faults(h, R"({"latency":{"probability":1.0,"min_ms":1500,"max_ms":1500}})");
  constexpr int n = 6;
  std::vector<std::unique_ptr<sim_client>> clients;
  for (int i = 0; i < n; ++i) {
    clients.push_back(h.client());
    REQUIRE(clients.back()->get("/_sim/counters").status == 200); // connected before the race
  }
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::vector<std::future<unsigned>> results;
  for (int i = 0; i < n; ++i)
    results.push_back(std::async(std::launch::async, [&, i] {
      start.wait();
      return clients[i]->get(folders_url(h), h.auth(tok)).status;
    }));
  go.set_value();
  int ok = 0, throttled = 0;
  for (auto& f : results) {
    unsigned s = f.get();
    ok += s == 200;
    throttled += s == 429;
  }
  CHECK(ok == 4);
  CHECK(throttled == 2);
  CHECK(h.state().stats().max_concurrency(h.user_upn(0, 0)) == 5);
}

TEST_CASE("the per-window request budget runs out with a 429 until the window moves", "[sim][throttle]") {
  sim_harness h;
  std::string tok = h.token(0);
  REQUIRE(h.control("PUT", "/_sim/throttle", R"({"max_concurrent":4,"max_requests":5,"window_s":600})").first == 200);
  for (int i = 0; i < 5; ++i)
    REQUIRE(h.http().get(folders_url(h), h.auth(tok)).status == 200);
  auto r = h.http().get(folders_url(h), h.auth(tok));
  CHECK(r.status == 429);
  double wait = std::stod(r.header("retry-after"));
  CHECK(wait > 590);
  CHECK(wait <= 600);
  // The budget is per mailbox: the neighbour is unaffected.
  CHECK(h.http().get(folders_url(h, 0, 1), h.auth(tok)).status == 200);
}

TEST_CASE("delta links can answer 410 syncStateNotFound", "[sim][faults][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  set_faults(h, R"({"sync_state_not_found":1.0})");
  std::string url = h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders/inbox/messages/delta";
  auto first = h.http().get(url, h.auth(tok, "odata.maxpagesize=2"));
  REQUIRE(first.status == 200); // an initial request has no sync state to lose
  auto next = h.http().get(std::string(json::parse(first.body).at("@odata.nextLink").as_string()), h.auth(tok));
  CHECK(next.status == 410);
  auto err = json::parse(next.body).at("error");
  CHECK(err.at("code").as_string() == "syncStateNotFound");
  CHECK(err.at("innerError").is_object());
  CHECK(h.state().stats().fault_count("sync_state_not_found") == 1);
}

TEST_CASE("a truncated body and a reset connection reach the client as errors", "[sim][faults]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string url = h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders/inbox/messages/delta";
  set_faults(h, R"({"truncated_body":1.0})");
  auto cut = h.client()->get(url, h.auth(tok, "odata.maxpagesize=50"));
  CHECK(cut.error);
  CHECK(h.state().stats().fault_count("truncate") == 1);
  set_faults(h, R"({"reset_mid_body":1.0})");
  auto reset = h.client()->get(url, h.auth(tok, "odata.maxpagesize=50"));
  CHECK(reset.error);
  CHECK(h.state().stats().fault_count("reset") == 1);
  set_faults(h, "{}");
  CHECK(h.client()->get(url, h.auth(tok)).status == 200);
}

TEST_CASE("5xx faults answer with Graph error bodies", "[sim][faults]") {
  sim_harness h;
  std::string tok = h.token(0);
  for (auto [key, status] : std::vector<std::pair<std::string, unsigned>>{{"http_500", 500}, {"http_502", 502},
                                                                           {"http_503", 503}, {"http_504", 504}}) {
    set_faults(h, "{\"" + key + "\":1.0}");
    auto r = h.http().get(folders_url(h), h.auth(tok));
    CHECK(r.status == status);
    CHECK(json::parse(r.body).at("error").at("code").is_string());
    if (status == 503)
      CHECK(!r.header("retry-after").empty());
  }
}

TEST_CASE("a tenant-wide outage hits only that tenant", "[sim][faults]") {
  sim_harness h;
  std::string tok0 = h.token(0), tok1 = h.token(1);
  set_faults(h, R"({"outage_tenants":["contoso"]})");
  CHECK(h.http().get(folders_url(h, 0, 0), h.auth(tok0)).status == 503);
  CHECK(h.http().get(folders_url(h, 1, 0), h.auth(tok1)).status == 200);
  auto& t = h.tenant(0);
  auto tr = h.http().request("POST", "/" + std::string(t.at("directory_id").as_string()) + "/oauth2/v2.0/token", "grant_type=client_credentials");
  CHECK(tr.status == 503);
}

TEST_CASE("replayed items repeat within a round but the walk still covers the folder", "[sim][faults][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  set_faults(h, R"({"replay_items":1.0})");
  auto w = h.walk(h.graph() + "/users/" + upn + "/mailFolders/inbox/messages/delta?$select=subject", tok, "odata.maxpagesize=4");
  INFO(w.failed_body);
  REQUIRE(w.failed_status == 0);
  std::set<std::string> unique;
  for (auto& it : w.items)
    unique.insert(std::string(it.at("id").as_string()));
  CHECK(w.items.size() > unique.size());
  auto [status, truth] = h.control("GET", "/_sim/mailboxes/" + upn + "/truth");
  size_t inbox = 0;
  for (auto& m : truth.at("messages").as_array())
    inbox += m.at("folder").as_string() == "inbox";
  CHECK(unique.size() == inbox);
}

TEST_CASE("faults are deterministic per seed", "[sim][faults][seed]") {
  auto statuses = [](uint64_t fault_seed) {
    auto o = sim_harness::defaults();
    o.faults_json = R"({"seed":)" + std::to_string(fault_seed) + R"(,"http_503":0.3,"throttle_429":0.2})";
    sim_harness h(o);
    std::string tok = h.token(0);
    std::string seq;
    for (int i = 0; i < 40; ++i)
      seq += std::to_string(h.http().get(folders_url(h), h.auth(tok)).status) + ",";
    return seq;
  };
  std::string a = statuses(11);
  CHECK(a == statuses(11));
  CHECK(a != statuses(12));
  CHECK(a.find("503") != std::string::npos);
  CHECK(a.find("200") != std::string::npos);
}

TEST_CASE("added latency delays the answer", "[sim][faults]") {
  sim_harness h;
  std::string tok = h.token(0);
  set_faults(h, R"({"latency":{"probability":1.0,"min_ms":250,"max_ms":250}})");
  auto t0 = std::chrono::steady_clock::now();
  CHECK(h.http().get(folders_url(h), h.auth(tok)).status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(250));
}

TEST_CASE("a bad fault profile is refused with the offending key named", "[sim][faults]") {
  sim_harness h;
  auto [status, body] = h.control("PUT", "/_sim/faults", R"({"http_503": 2})");
  CHECK(status == 400);
  CHECK(std::string(body.at("error").at("message").as_string()).find("http_503") != std::string::npos);
  auto [s2, b2] = h.control("PUT", "/_sim/faults", R"({"throttle_492": 0.1})");
  CHECK(s2 == 400);
  auto o = sim_harness::defaults();
  o.faults_json = "{nope";
  m365::sim::server srv;
  CHECK(!srv.start(o));
}

TEST_CASE("the simulator serves https when given a certificate", "[sim][tls]") {
  auto cert = m365::sim::make_self_signed("localhost");
  REQUIRE(cert);
  auto o = sim_harness::defaults();
  o.tls_cert_pem = cert->certificate_pem;
  o.tls_key_pem = cert->private_key_pem;
  sim_harness h(o);
  CHECK(h.srv().url().rfind("https://127.0.0.1:", 0) == 0);
  std::string tok = h.token(0);
  auto r = h.http().get(h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders/inbox/messages/delta", h.auth(tok, "odata.maxpagesize=3"));
  REQUIRE(r.status == 200);
  CHECK(std::string(json::parse(r.body).at("@odata.nextLink").as_string()).rfind("https://", 0) == 0);
  CHECK(std::string(h.tenant(0).at("graph").as_string()).rfind("https://", 0) == 0);
}

TEST_CASE("counters record requests by tenant, mailbox and status and can be reset", "[sim][counters]") {
  sim_harness h;
  std::string tok = h.token(0);
  h.http().get(folders_url(h), h.auth(tok));
  h.http().get(h.graph() + "/users/nobody@contoso.com/mailFolders", h.auth(tok));
  auto [s, c] = h.control("GET", "/_sim/counters");
  CHECK(c.at("requests").at("by_tenant").at("contoso").as_int64() == 2);
  CHECK(c.at("requests").at("by_mailbox").at(h.user_upn(0, 0)).as_int64() == 1);
  CHECK(c.at("requests").at("by_status").at("404").as_int64() == 1);
  CHECK(c.at("requests").at("by_mailbox_status").at(h.user_upn(0, 0)).at("200").as_int64() == 1);
  CHECK(c.at("tokens").at("issued").at("contoso").as_int64() == 1);
  REQUIRE(h.control("POST", "/_sim/counters/reset").first == 200);
  auto [s2, c2] = h.control("GET", "/_sim/counters");
  CHECK(c2.at("requests").at("total").as_int64() == 0);
}
