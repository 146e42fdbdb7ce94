// The engine end to end against m365sim: the store equals the simulator's truth after rounds,
// mutations and faults; tenants stay isolated; runtime changes need no restart.
#include <catch2/catch.hpp>

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
