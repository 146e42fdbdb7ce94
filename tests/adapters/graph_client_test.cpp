// The Graph client end to end against a real loopback HTTP server: keep-alive reuse,
// Retry-After honoured, a floor under every backoff, the exact attempt budget, a 401 answered
// at once (the stream actor owns the refresh), retry after a reset, at most four requests in
// flight per mailbox, and no request ever sent to a foreign host.
#include <catch2/catch.hpp>

#include <algorithm>
#include <future>
#include <sstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "adapters/graph_client.hpp"
#include "adapters/graph_requests.hpp"
#include "adapters/message_page_decoder.hpp"
#include "fixture_body.hpp"
#include "test_graph_server.hpp"

using namespace m365;
using namespace std::chrono_literals;
using m365::test::test_graph_server;

namespace {

/// An io_context running on its own thread for the client, like the engine's asio thread.
struct client_fixture {
  explicit client_fixture(const std::string& base, retry_settings retry = fast_retry(),
                          std::function<void(graph_client_settings&)> tweak = {}) {
    graph_client_settings s;
    auto ep = graph_endpoint::parse(base);
    REQUIRE(ep.has_value());
    s.graph = *ep;
    s.retry = retry;
    s.http.request_timeout = 5s;
    s.jitter_seed = 7;
    if (tweak)
      tweak(s);
    auto c = graph_client::create(io, s);
    REQUIRE(c.has_value());
    client = *c;
    thread = std::thread([this] { io.run(); });
  }
  ~client_fixture() {
    work.reset();
    io.stop();
    thread.join();
  }
  static retry_settings fast_retry() {
    retry_settings r;
    r.floor = 20ms;
    r.base = 20ms;
    r.cap = 100ms;
    return r;
  }
  graph_response call(graph_request req) {
    std::promise<graph_response> p;
    auto f = p.get_future();
    client->submit(std::move(req), [&p](graph_response r) { p.set_value(std::move(r)); });
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    return f.get();
  }
  template <class F>
  auto on_strand(F f) {
    std::promise<decltype(f())> p;
    auto fut = p.get_future();
    boost::asio::post(client->transport()->executor(), [&] { p.set_value(f()); });
    return fut.get();
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::shared_ptr<graph_client> client;
  std::thread thread;
};

graph_request get(const std::string& url, const std::string& mailbox = "adele@contoso.com") {
  auto req = follow_link(url, mailbox, 100, false);
  req.bearer_token = "token-0";
  return req;
}

} // namespace

TEST_CASE("sequential requests reuse one keep-alive connection and carry token and Prefer",
          "[adapters][client][e2e]") {
  const std::string page = m365::test::fixture_text("messages_delta_page1_nextlink.json");
  test_graph_server server([&](const auto&) { return test_graph_server::reply{200, {}, page}; });
  client_fixture fx(server.base());
  auto ep = *graph_endpoint::parse(server.base());
  for (int i = 0; i < 5; ++i) {
    auto req = initial_message_delta(ep, "adele@contoso.com", "inbox", 50);
    req.bearer_token = "token-0";
    auto res = fx.call(std::move(req));
    REQUIRE(res.ok);
    CHECK(res.http_status == 200);
    CHECK(res.body.is_padded());
    message_page_decoder decoder;
    page_context ctx;
    ctx.tenant = "contoso";
    ctx.user = "u-1001";
    ctx.folder = "inbox";
    auto decoded = decoder.decode(res.body, ctx);
    REQUIRE(decoded.has_value());
    CHECK(decoded->items.size() == 2);
  }
  CHECK(server.connections() == 1);
  auto seen = server.requests();
  REQUIRE(seen.size() == 5);
  CHECK(seen[0].authorization == "Bearer token-0");
  CHECK(seen[0].prefer == "odata.maxpagesize=50, IdType=\"ImmutableId\"");
  CHECK(seen[0].target.rfind("/v1.0/users/adele@contoso.com/mailFolders/inbox/messages/delta?$select=id,", 0) == 0);
  auto stats = fx.on_strand([&] { return fx.client->transport()->stats(); });
  CHECK(stats.connections_opened == 1);
  CHECK(stats.reused == 4);
  CHECK(stats.padding_copies == 0);  // Content-Length known: the body was read in place
}

TEST_CASE("a 429 with Retry-After 0.2 is retried no sooner than 200 ms later",
          "[adapters][client][e2e]") {
  std::atomic<int> n{0};
  test_graph_server server([&](const auto&) {
    if (n++ == 0)
      return test_graph_server::reply{429, {{"Retry-After", "0.2"}},
                                      m365::test::fixture_text("error_throttled_429.json")};
    return test_graph_server::reply{200, {}, R"({"@odata.deltaLink":"x","value":[]})"};
  });
  client_fixture fx(server.base());
  const auto started = std::chrono::steady_clock::now();
  auto res = fx.call(get(server.base() + "/users/a/messages/delta"));
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE(res.ok);
  CHECK(res.attempts == 2);
  CHECK(waited >= 200ms);
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].at - seen[0].at >= 200ms);
  CHECK(seen[1].prefer == seen[0].prefer);  // the preference is resent on the retry
}

TEST_CASE("a 401 fails unauthorized at once: the client neither refreshes nor retries",
          "[adapters][client][e2e]") {
  const std::string invalid = R"({"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired."}})";
  test_graph_server server([&](const auto&) { return test_graph_server::reply{401, {}, invalid}; });
  client_fixture fx(server.base());
  auto res = fx.call(get(server.base() + "/users/a/messages"));
  REQUIRE_FALSE(res.ok);
  CHECK(res.error == graph_errc::unauthorized);
  CHECK(res.graph_code == "InvalidAuthenticationToken");
  CHECK(res.attempts == 1);
  CHECK(server.requests().size() == 1);
  CHECK(res.message.find("token-") == std::string::npos);
}

TEST_CASE("a request without a token is refused before anything is sent",
          "[adapters][client][e2e]") {
  test_graph_server server([&](const auto&) { return test_graph_server::reply{200, {}, "{}"}; });
  client_fixture fx(server.base());
  auto req = get(server.base() + "/users/a/messages");
  req.bearer_token.clear();
  auto res = fx.call(std::move(req));
  REQUIRE_FALSE(res.ok);
  CHECK(res.error == graph_errc::unauthorized);
  CHECK(server.requests().empty());
}

TEST_CASE("a request that always fails is sent exactly max_attempts times",
          "[adapters][client][e2e]") {
  struct failure {
    const char* what;
    test_graph_server::reply reply;
    graph_errc error;
  };
  test_graph_server::reply reset{200, {}, R"({"value":[],"@odata.deltaLink":"x"})"};
  reset.reset_mid_body = true;
  for (const auto& f : {failure{"503 without Retry-After", {503, {}, "{}"}, graph_errc::throttled},
                        failure{"429 without Retry-After", {429, {}, "{}"}, graph_errc::throttled},
                        failure{"500", {500, {}, "{}"}, graph_errc::server_error},
                        failure{"a reset mid-body", reset, graph_errc::transport}}) {
    INFO(f.what);
    test_graph_server server([&](const auto&) { return f.reply; });
    retry_settings r = client_fixture::fast_retry();
    r.max_attempts = 4;
    client_fixture fx(server.base(), r);
    auto res = fx.call(get(server.base() + "/users/a/messages/delta"));
    REQUIRE_FALSE(res.ok);
    CHECK(res.error == f.error);
    CHECK(res.attempts == 4);
    CHECK(server.requests().size() == 4);
    CHECK(res.message.find("4 attempts") != std::string::npos);
  }
}

TEST_CASE("a 429 without Retry-After waits the one-second floor and pauses the whole mailbox",
          "[adapters][client][e2e]") {
  // Default retry settings (floor 1 s); the jitter seed is fixed, the floor holds for any draw.
  std::atomic<int> n{0};
  test_graph_server server([&](const auto&) {
    if (n++ == 0)
      return test_graph_server::reply{429, {}, m365::test::fixture_text("error_throttled_429.json")};
    return test_graph_server::reply{200, {}, R"({"@odata.deltaLink":"x","value":[]})"};
  });
  client_fixture fx(server.base(), retry_settings{},
                    [](graph_client_settings& s) { s.mailbox.max_concurrent = 1; });
  auto submit = [&](const std::string& path, const std::string& mailbox) {
    auto p = std::make_shared<std::promise<graph_response>>();
    auto f = p->get_future();
    fx.client->submit(get(server.base() + path, mailbox), [p](graph_response r) { p->set_value(std::move(r)); });
    return f;
  };
  // The mailbox's inbox stream is throttled; its calendar stream (same mailbox key) waits too.
  auto inbox = submit("/users/a/mailFolders/inbox/messages/delta", "a@contoso.com");
  auto calendar = submit("/users/a/calendarView/delta", "a@contoso.com");
  for (auto* f : {&inbox, &calendar}) {
    REQUIRE(f->wait_for(10s) == std::future_status::ready);
    auto r = f->get();
    CHECK(r.ok);
  }
  auto seen = server.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].target.find("inbox") != std::string::npos);
  CHECK(seen[1].at - seen[0].at >= 1000ms);
  CHECK(seen[2].at - seen[0].at >= 1000ms);
  CHECK(seen[1].at - seen[0].at < 2500ms);  // floor + at most one base step (+ slack)
  CHECK(fx.on_strand([&] { return fx.client->stats().throttled; }) == 1);
}

TEST_CASE("a connection reset in the middle of a body is retried on a new connection",
          "[adapters][client][e2e]") {
  const std::string page = m365::test::fixture_text("messages_delta_page2_nextlink.json");
  std::atomic<int> n{0};
  test_graph_server server([&](const auto&) {
    test_graph_server::reply r{200, {}, page};
    r.reset_mid_body = n++ == 0;
    return r;
  });
  client_fixture fx(server.base());
  auto res = fx.call(get(server.base() + "/users/a/messages/delta"));
  REQUIRE(res.ok);
  CHECK(res.attempts == 2);
  CHECK(res.body.view() == page);
  CHECK(server.requests().size() == 2);
  CHECK(server.connections() == 2);
}

TEST_CASE("twenty requests at once for one mailbox never exceed four in flight",
          "[adapters][client][e2e]") {
  test_graph_server server([&](const auto&) {
    test_graph_server::reply r{200, {}, "{}"};
    r.delay = 40ms;
    return r;
  });
  client_fixture fx(server.base());
  std::vector<std::future<graph_response>> results;
  std::vector<std::shared_ptr<std::promise<graph_response>>> promises;
  for (int i = 0; i < 20; ++i) {
    auto p = std::make_shared<std::promise<graph_response>>();
    results.push_back(p->get_future());
    promises.push_back(p);
    fx.client->submit(get(server.base() + "/users/a/messages/" + std::to_string(i)),
                      [p](graph_response r) { p->set_value(std::move(r)); });
  }
  for (auto& f : results) {
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    CHECK(f.get().ok);
  }
  CHECK(server.requests().size() == 20);
  CHECK(server.max_concurrent() <= 4);
  CHECK(server.max_concurrent() == 4);  // and the four slots were actually used in parallel
  CHECK(fx.on_strand([&] { return fx.client->stats().max_in_flight_seen; }) == 4);

  SECTION("another mailbox is not held back by the first one's queue") {
    auto other = fx.call(get(server.base() + "/users/b/messages", "b@contoso.com"));
    CHECK(other.ok);
  }
}

TEST_CASE("a nextLink to a foreign host is refused, logged without the token, and never "
          "reaches any server",
          "[adapters][client][e2e]") {
  test_graph_server server([&](const auto&) { return test_graph_server::reply{200, {}, "{}"}; });
  auto lines = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*lines);
  sink->set_pattern("%n %l %v");
  auto log = std::make_shared<spdlog::logger>("tenant.contoso", sink);
  client_fixture fx(server.base(), client_fixture::fast_retry(),
                    [&](graph_client_settings& s) { s.log = log; });
  const std::string port = std::to_string(server.port());
  for (const std::string& link : std::vector<std::string>{"https://evil.example/v1.0/users/a/messages/delta?$skiptoken=x",
                           "http://127.0.0.2:" + port + "/v1.0/users/a/messages?$skiptoken=x",
                           "http://127.0.0.1:" + port + "/beta/users/a/messages?$skiptoken=x",
                           "http://127.0.0.1:" + port + "@evil.example/v1.0/users?$skiptoken=x"}) {
    auto res = fx.call(get(link));
    INFO(link);
    REQUIRE_FALSE(res.ok);
    CHECK(res.error == graph_errc::foreign_host);
    CHECK(res.message.rfind("foreign_host", 0) == 0);
  }
  CHECK(server.requests().empty());
  CHECK(server.connections() == 0);
  CHECK(fx.on_strand([&] { return fx.client->stats().foreign_host; }) == 4);
  log->flush();
  const std::string logged = lines->str();
  INFO(logged);
  CHECK(std::count(logged.begin(), logged.end(), '\n') == 4);
  CHECK(logged.find("tenant.contoso warning refused a request for mailbox adele@contoso.com: "
                    "foreign_host") != std::string::npos);
  CHECK(logged.find("evil.example") != std::string::npos);
  CHECK(logged.find("token-0") == std::string::npos);
  CHECK(logged.find("skiptoken") == std::string::npos);  // links are not shown whole
}

TEST_CASE("410 Gone fails sync_state_gone at once and other errors carry Graph's code",
          "[adapters][client][e2e]") {
  test_graph_server server([&](const test_graph_server::request& req) {
    if (req.target().find("gone") != boost::beast::string_view::npos)
      return test_graph_server::reply{410, {}, R"({"error":{"code":"syncStateNotFound","message":"The sync state was not found."}})"};
    return test_graph_server::reply{400, {}, m365::test::fixture_text("error_generic.json")};
  });
  client_fixture fx(server.base());
  auto gone = fx.call(get(server.base() + "/users/a/messages/delta?$deltatoken=gone"));
  REQUIRE_FALSE(gone.ok);
  CHECK(gone.error == graph_errc::sync_state_gone);
  CHECK(gone.graph_code == "syncStateNotFound");
  CHECK(gone.attempts == 1);
  auto bad = fx.call(get(server.base() + "/users/a/messages"));
  REQUIRE_FALSE(bad.ok);
  CHECK(bad.error == graph_errc::request_rejected);
  CHECK(bad.message == "HTTP 400 invalidRange: Uploaded fragment overlaps with existing data.");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("an unreachable server fails with a transport error after the attempt budget",
          "[adapters][client][e2e]") {
  uint16_t closed_port = 0;
  {
    // Bind and release a port so nothing listens there.
    boost::asio::io_context tmp;
    boost::asio::ip::tcp::acceptor a(tmp, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  retry_settings r = client_fixture::fast_retry();
  r.max_attempts = 3;
  client_fixture fx("http://127.0.0.1:" + std::to_string(closed_port) + "/v1.0", r);
  auto res = fx.call(get("http://127.0.0.1:" + std::to_string(closed_port) + "/v1.0/users/a"));
  REQUIRE_FALSE(res.ok);
  CHECK(res.error == graph_errc::transport);
  CHECK(res.attempts == 3);
  CHECK(res.message.find("connect") != std::string::npos);
}

TEST_CASE("a server that does not answer in time fails the request after its attempts",
          "[adapters][client][e2e]") {
  test_graph_server server([&](const auto&) {
    test_graph_server::reply r{200, {}, "{}"};
    r.delay = 3s;
    return r;
  });
  retry_settings r = client_fixture::fast_retry();
  r.max_attempts = 2;
  client_fixture fx(server.base(), r, [](graph_client_settings& s) { s.http.request_timeout = 150ms; });
  auto res = fx.call(get(server.base() + "/users/a/messages"));
  REQUIRE_FALSE(res.ok);
  CHECK(res.error == graph_errc::transport);
  CHECK(res.attempts == 2);
  CHECK(res.elapsed >= 300ms);
  CHECK(res.elapsed < 2s);
  CHECK(res.message.find("timeout") != std::string::npos);
}

TEST_CASE("stopping the client fails queued requests and refuses new ones",
          "[adapters][client][e2e]") {
  test_graph_server server([&](const auto&) {
    test_graph_server::reply r{200, {}, "{}"};
    r.delay = 100ms;
    return r;
  });
  client_fixture fx(server.base());
  std::vector<std::future<graph_response>> results;
  std::vector<std::shared_ptr<std::promise<graph_response>>> promises;
  for (int i = 0; i < 8; ++i) {
    auto p = std::make_shared<std::promise<graph_response>>();
    results.push_back(p->get_future());
    promises.push_back(p);
    fx.client->submit(get(server.base() + "/users/a/m"), [p](graph_response r) { p->set_value(std::move(r)); });
  }
  fx.client->stop();
  int ok = 0, stopped = 0;
  for (auto& f : results) {
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    auto r = f.get();
    if (r.ok)
      ++ok;
    else if (r.message == "graph client stopped")
      ++stopped;
  }
  CHECK(ok + stopped == 8);
  CHECK(ok <= 4);       // only what was already in flight completes
  CHECK(stopped >= 4);
  auto late = fx.call(get(server.base() + "/users/a/m"));
  CHECK_FALSE(late.ok);
  CHECK(late.message == "graph client stopped");
}

TEST_CASE("a throttle answer pauses the whole queue of that mailbox and no other",
          "[adapters][client][e2e]") {
  std::atomic<int> a_calls{0};
  test_graph_server server([&](const test_graph_server::request& req) {
    const bool mailbox_a = req.target().find("/users/a/") != boost::beast::string_view::npos;
    if (mailbox_a && a_calls++ == 0)
      return test_graph_server::reply{429, {{"Retry-After", "0.3"}}, "{}"};
    return test_graph_server::reply{200, {}, "{}"};
  });
  client_fixture fx(server.base(), client_fixture::fast_retry(),
                    [](graph_client_settings& s) { s.mailbox.max_concurrent = 1; });
  auto submit = [&](const std::string& path, const std::string& mailbox) {
    auto p = std::make_shared<std::promise<graph_response>>();
    auto f = p->get_future();
    fx.client->submit(get(server.base() + path, mailbox), [p](graph_response r) { p->set_value(std::move(r)); });
    return f;
  };
  auto a1 = submit("/users/a/first", "a");
  auto a2 = submit("/users/a/second", "a");
  auto b1 = submit("/users/b/first", "b");
  for (auto* f : {&a1, &a2, &b1}) {
    REQUIRE(f->wait_for(10s) == std::future_status::ready);
    CHECK(f->get().ok);
  }
  auto seen = server.requests();
  REQUIRE(seen.size() == 4);
  auto when = [&](const std::string& target, int nth) {
    for (const auto& s : seen)
      if (s.target == "/v1.0" + target && nth-- == 0)
        return s.at;
    FAIL("no request for " << target);
    return std::chrono::steady_clock::time_point{};
  };
  const auto throttled_at = when("/users/a/first", 0);
  CHECK(when("/users/a/first", 1) - throttled_at >= 300ms);
  CHECK(when("/users/a/second", 0) - throttled_at >= 300ms);  // queued behind the pause
  CHECK(when("/users/b/first", 0) - throttled_at < 300ms);    // another mailbox goes on
}
