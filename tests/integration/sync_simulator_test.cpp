// The engine end to end against m365sim: the store equals the simulator's truth after rounds,
// mutations and faults; tenants stay isolated; runtime changes need no restart.
#include <catch2/catch.hpp>

#include "actors/fault_injection.hpp"
#include "tests/support/engine_status.hpp"

#include "engine_on_sim.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

sim::server_options world(uint32_t tenants, uint32_t users, uint32_t messages, uint32_t events) {
  auto o = sim::testing::sim_harness::defaults();
  o.seed = 4242;
  o.tenants = tenants;
  o.users = users;
  o.messages = messages;
  o.events = events;
  o.threads = 2;
  return o;
}

void check_equal(const std::map<std::string, std::multiset<std::string>>& stored,
                 const std::map<std::string, std::multiset<std::string>>& truth,
                 const std::string& what) {
  REQUIRE(stored.size() == truth.size());
  for (auto& [user, ids] : truth) {
    auto i = stored.find(user);
    REQUIRE(i != stored.end());
    if (i->second != ids) {
      std::vector<std::string> missing, extra;
      std::set_difference(ids.begin(), ids.end(), i->second.begin(), i->second.end(),
                          std::back_inserter(missing));
      std::set_difference(i->second.begin(), i->second.end(), ids.begin(), ids.end(),
                          std::back_inserter(extra));
      FAIL(what << " of " << user << ": " << missing.size() << " missing (e.g. "
                << (missing.empty() ? "-" : missing.front()) << "), " << extra.size()
                << " extra (e.g. " << (extra.empty() ? "-" : extra.front()) << ")");
    }
  }
}

void check_tenant(engine_on_sim& e, const std::string& tenant) {
  check_equal(e.stored_messages(tenant), e.true_messages(tenant), tenant + " messages");
  check_equal(e.stored_single_events(tenant), e.true_single_events(tenant), tenant + " events");
}

/// The immutable id of the `nth` message (0-based) of a folder in the simulator's truth.
std::string message_id(engine_on_sim& e, const std::string& upn, const std::string& folder,
                       size_t nth) {
  auto [code, body] = e.sim().control("GET", "/_sim/mailboxes/" + upn + "/truth");
  REQUIRE(code == 200);
  for (auto& m : body.at("messages").as_array())
    if (m.at("folder").as_string() == folder && nth-- == 0)
      return std::string(m.at("immutable_id").as_string());
  FAIL("no message in " << folder << " of " << upn);
  return {};
}

} // namespace

TEST_CASE("three tenants of five users with 2000 messages each reach the simulator's truth, "
          "and mutations are brought back to truth by the next round",
          "[integration][engine]") {
  engine_on_sim e{world(3, 5, 2000, 40)};
  for (auto& t : e.tenant_slugs()) {
    auto report = e.sync(t);
    INFO(t << ": " << (report.errors.empty() ? "" : report.errors.front()));
    CHECK(report.errors.empty());
    CHECK(report.mailboxes == 5);
    check_tenant(e, t);
  }
  // Mutations in one mailbox of each tenant: add, update, delete, move, and an event change.
  for (auto& t : e.tenant_slugs()) {
    auto upn = e.users_of(t).front().mailbox;
    auto [added, add_body] = e.sim().control(
      "POST", "/_sim/mailboxes/" + upn + "/messages",
      R"({"folder":"inbox","subject":"Added after the first round","body":"x",)"
      R"("from":{"name":"Client","address":"desk@client.example"},)"
      R"("to":[{"name":"U","address":")" + upn + R"("}]})");
    REQUIRE(added == 201);
    auto update_id = message_id(e, upn, "inbox", 0);
    CHECK(e.sim().control("PATCH", "/_sim/mailboxes/" + upn + "/messages/" + update_id,
                          R"({"subject":"Updated subject","is_read":true})").first == 200);
    auto delete_id = message_id(e, upn, "sentitems", 0);
    CHECK(e.sim().control("DELETE", "/_sim/mailboxes/" + upn + "/messages/" + delete_id).first
          == 204);
    auto move_id = message_id(e, upn, "inbox", 1);
    CHECK(e.sim().control("POST", "/_sim/mailboxes/" + upn + "/messages/" + move_id + "/move",
                          R"({"folder":"archive"})").first == 200);
  }
  for (auto& t : e.tenant_slugs()) {
    auto report = e.sync(t);
    CHECK(report.errors.empty());
    CHECK(report.items >= 2);  // the added and the updated message at least
    CHECK(report.removed >= 2);  // the deleted and the moved-away message
    check_tenant(e, t);
  }
  CHECK(e.sim().state().stats().wrong_tenant_total() == 0);
}

TEST_CASE("under 429s with and without Retry-After, 503s, resets, truncated bodies, 410s on "
          "links and 2-minute tokens the engine converges to truth within Graph's rules",
          "[integration][engine][faults]") {
  auto options = world(3, 2, 300, 20);
  options.faults_json = R"({"seed": 99, "throttle_429": 0.05, "throttle_429_no_retry_after": 0.05,
    "retry_after_seconds": [1, 1.5, 0.5], "http_503": 0.05, "reset_mid_body": 0.02,
    "truncated_body": 0.02, "sync_state_not_found": 0.03, "replay_items": 0.05,
    "token_lifetime_s": 120})";
  options.users = 2;
  engine_on_sim e{options};
  // Several rounds, the second after mutations; every round must end at truth.
  for (int round = 0; round < 2; ++round) {
    for (auto& t : e.tenant_slugs()) {
      auto report = e.sync(t);
      INFO("round " << round << " " << t << ": "
                    << (report.errors.empty() ? "" : report.errors.front()));
      CHECK(report.errors.empty());
      check_tenant(e, t);
    }
    for (auto& t : e.tenant_slugs()) {
      auto upn = e.users_of(t).back().mailbox;
      CHECK(e.sim().control("POST", "/_sim/mailboxes/" + upn + "/messages",
                            R"({"folder":"inbox","subject":"During faults"})").first == 201);
    }
  }
  auto& counters = e.sim().state().stats();
  CHECK(counters.early_requests_total() == 0);
  CHECK(counters.wrong_tenant_total() == 0);
  for (auto& t : e.tenant_slugs())
    for (auto& u : e.users_of(t))
      CHECK(counters.max_concurrency(u.mailbox) <= 4);
  CHECK(counters.fault_count("throttle") + counters.fault_count("throttle_no_retry_after") > 0);
  CHECK(counters.fault_count("http_503") > 0);
}

TEST_CASE("a tenant with a wrong secret is parked with AADSTS7000215 while the others complete",
          "[integration][engine]") {
  auto options = world(3, 2, 200, 10);
  sim::testing::sim_harness probe{options};  // same seed: learn the second tenant's slug
  auto bad = std::string(probe.tenant(1).at("slug").as_string());
  engine_on_sim e{options, engine_setup{{}, {{bad, "not-the-secret"}}, {}}};
  for (auto& t : e.tenant_slugs()) {
    auto report = e.sync(t);
    if (t == bad) {
      CHECK(report.failed_mailboxes == 2);
      CHECK(e.stored_messages(t).begin()->second.empty());
    } else {
      CHECK(report.errors.empty());
      check_tenant(e, t);
    }
  }
  auto st = e.status(bad);
  CHECK(st.state == tenant_state::parked);
  CHECK(st.last_error.find("7000215") != std::string::npos);
}

TEST_CASE("a crashed mailbox actor restarts without touching other tenants",
          "[integration][engine]") {
  engine_on_sim e{world(2, 2, 200, 10)};
  auto slugs = e.tenant_slugs();
  for (auto& t : slugs)
    e.sync(t);
  caf::scoped_actor self{e.system()};
  auto victim = e.users_of(slugs[0]).front().user;
  self->send(caf::actor_cast<org_with_fault_injection>(e.engine().org()), crash_atom_v,
             slugs[0], victim);
  tenant_status st;
  for (int i = 0; i < 500; ++i) {  // bounded wait for the supervisor's restart
    st = e.status(slugs[0]);
    if (st.restarts >= 1 && st.mailboxes.size() == 4 && every_stream_idle(st))
      break;
    self->receive(caf::after(10ms) >> [] {});
  }
  CHECK(st.restarts >= 1);
  CHECK(e.status(slugs[1]).restarts == 0);
  auto upn = e.users_of(slugs[0]).front().mailbox;
  CHECK(e.sim().control("POST", "/_sim/mailboxes/" + upn + "/messages",
                        R"({"folder":"inbox","subject":"after crash"})").first == 201);
  auto report = e.sync(slugs[0]);
  CHECK(report.errors.empty());
  check_tenant(e, slugs[0]);
  check_tenant(e, slugs[1]);
}

TEST_CASE("a stored link pointing to a foreign host is refused and never receives the token",
          "[integration][engine]") {
  auto options = world(1, 1, 50, 5);
  sim::testing::sim_harness foreign{options};  // a second server: the "foreign host"
  engine_on_sim e{options};
  auto slug = e.tenant_slugs().front();
  auto user = e.users_of(slug).front();
  // Plant a link to the other server, as a hostile or broken nextLink would.
  email_page page;
  page.link.tenant = slug;
  page.link.user = user.user;
  page.link.folder = "inbox";
  page.link.phase = sync_phase::paging;
  page.link.url = foreign.graph() + "/users/" + user.mailbox
                  + "/mailFolders/inbox/messages/delta?$skiptoken=planted";
  write_batch batch;
  batch.add(page);
  REQUIRE(e.store().commit(batch));
  // The stream reads its links when it starts: restart the tenant through a settings change.
  caf::scoped_actor self{e.system()};
  self->request(e.engine().org(), 10s, put_atom_v, e.tenant(slug))
    .receive([](tenant_status&) {}, [&](caf::error& err) { FAIL(e.system().render(err)); });
  auto report = e.sync(slug);
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors.front().find("inbox") != std::string::npos);
  CHECK(report.errors.front().find("foreign_host") != std::string::npos);
  auto counters = boost::json::parse(foreign.state().stats().to_json());
  INFO(counters);
  CHECK(foreign.state().stats().status_count(200) == 0);
  CHECK(foreign.state().stats().status_count(401) == 0);
}

TEST_CASE("tenants are disabled, enabled and added in a running engine with no restart and "
          "no loss",
          "[integration][engine]") {
  auto options = world(3, 2, 200, 10);
  sim::testing::sim_harness probe{options};
  auto late = std::string(probe.tenant(2).at("slug").as_string());
  engine_on_sim e{options, engine_setup{{late}, {}, {}}};
  auto slugs = e.tenant_slugs();
  auto first = slugs[0];
  e.sync(slugs[0]);
  e.sync(slugs[1]);
  caf::scoped_actor self{e.system()};
  auto enable = [&](const std::string& t, bool on) {
    tenant_status st;
    self->request(e.engine().org(), 10s, enable_atom_v, t, on)
      .receive([&](tenant_status& s) { st = s; }, [&](caf::error& err) {
        FAIL(e.system().render(err));
      });
    return st;
  };
  CHECK(enable(first, false).state == tenant_state::disabled);
  auto requests_of = [&](const std::string& tenant) -> int64_t {
    auto counters = boost::json::parse(e.sim().state().stats().to_json());
    auto& by_tenant = counters.at("requests").at("by_tenant").as_object();
    return by_tenant.contains(tenant) ? by_tenant.at(tenant).as_int64() : 0;
  };
  auto requests_before = requests_of(first);
  CHECK(e.sync_error(first) == sync_errc::tenant_disabled);
  // While disabled: mail arrives; another tenant syncs; nothing of the first is requested.
  auto upn = e.users_of(first).front().mailbox;
  CHECK(e.sim().control("POST", "/_sim/mailboxes/" + upn + "/messages",
                        R"({"folder":"inbox","subject":"while disabled"})").first == 201);
  auto stored_before = e.stored_messages(first);
  CHECK(e.sync(slugs[1]).errors.empty());
  CHECK(e.stored_messages(first) == stored_before);
  CHECK(requests_of(first) == requests_before);  // nothing of a disabled tenant is requested
  CHECK(enable(first, true).state == tenant_state::running);
  auto report = e.sync(first);
  CHECK(report.errors.empty());
  CHECK(report.items == 1);  // resumed from the stored delta links: only the new message
  check_tenant(e, first);
  // A tenant added at runtime, with its users.
  self->request(e.engine().org(), 10s, put_atom_v, e.tenant(late))
    .receive([](tenant_status&) {}, [&](caf::error& err) { FAIL(e.system().render(err)); });
  for (auto& u : e.users_of(late))
    self->request(e.engine().org(), 10s, assign_atom_v, u)
      .receive([](bool) {}, [&](caf::error& err) { FAIL(e.system().render(err)); });
  auto added = e.sync(late);
  CHECK(added.errors.empty());
  CHECK(added.mailboxes == 2);
  check_tenant(e, late);
}
