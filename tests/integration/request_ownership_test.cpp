// One owner per request mechanism, through the whole engine (stream actor -> graph port ->
// Graph client -> m365sim): the client's attempt budget is the only retry a failing request
// gets, and a token revoked in the middle of a round is refreshed exactly once.
#include <catch2/catch.hpp>

#include "engine_on_sim.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

sim::server_options small_world(uint32_t users, uint32_t messages, uint32_t events) {
  auto o = sim::testing::sim_harness::defaults();
  o.seed = 4343;
  o.tenants = 1;
  o.users = users;
  o.messages = messages;
  o.events = events;
  o.threads = 2;
  return o;
}

} // namespace

TEST_CASE("a request that always fails is sent exactly the client's max_attempts times, and "
          "its stream does not ask again in that round",
          "[integration][engine][retry]") {
  constexpr int max_attempts = 3;
  engine_setup setup;
  // The default floor (1 s) stays: every retry below also waits it.
  setup.adjust = [](sync_engine_options& o) { o.graph.retry.max_attempts = max_attempts; };
  engine_on_sim e{small_world(1, 30, 4), setup};
  const auto slug = e.tenant_slugs().front();
  const auto upn = e.users_of(slug).front().mailbox;
  struct failure {
    const char* profile;
    const char* error;  ///< what the round report names
  };
  for (const auto& f : {failure{R"({"http_500": 1})", "server_error"},
                        failure{R"({"http_504": 1})", "throttled"},  // 504: no Retry-After
                        failure{R"({"throttle_429_no_retry_after": 1})", "throttled"},
                        failure{R"({"reset_mid_body": 1})", "transport"}}) {
    INFO(f.profile);
    REQUIRE(e.sim().control("PUT", "/_sim/faults", f.profile).first == 200);
    REQUIRE(e.sim().control("POST", "/_sim/counters/reset").first == 200);
    auto report = e.sync(slug);
    // inbox, sentitems and the calendar: each stream's first request failed for good.
    REQUIRE(report.errors.size() == 3);
    for (auto& err : report.errors) {
      CHECK(err.find(f.error) != std::string::npos);
      CHECK(err.find(std::to_string(max_attempts) + " attempts") != std::string::npos);
    }
    CHECK(e.sim().state().stats().mailbox_requests(upn) == 3 * max_attempts);
  }
  // The next round, with Graph healthy again, reaches the simulator's truth.
  REQUIRE(e.sim().control("PUT", "/_sim/faults", "{}").first == 200);
  auto healed = e.sync(slug);
  CHECK(healed.errors.empty());
  CHECK(e.stored_messages(slug) == e.true_messages(slug));
}

TEST_CASE("a token revoked in the middle of a round is refreshed exactly once and the round "
          "completes",
          "[integration][engine][auth]") {
  engine_on_sim e{small_world(2, 400, 20)};
  const auto slug = e.tenant_slugs().front();
  auto first = e.sync(slug);
  REQUIRE(first.errors.empty());
  REQUIRE(e.sim().state().stats().tokens_issued(slug) == 1);
  // New mail, then the tenant's token is revoked after 3 more Graph requests: the next round
  // starts with the cached token and loses it part-way.
  for (auto& u : e.users_of(slug))
    for (int i = 0; i < 150; ++i)
      REQUIRE(e.sim().control("POST", "/_sim/mailboxes/" + u.mailbox + "/messages",
                              R"({"folder":"inbox","subject":"after the first round )"
                                + std::to_string(i) + R"("})").first == 201);
  REQUIRE(e.sim().control("POST", "/_sim/tenants/" + slug + "/revoke_tokens",
                          R"({"after_requests": 3})").first == 200);
  auto before = e.sim().state().stats().status_count(401);
  auto report = e.sync(slug);
  INFO((report.errors.empty() ? std::string() : report.errors.front()));
  CHECK(report.errors.empty());
  CHECK(report.items >= 300);
  CHECK(e.sim().state().stats().status_count(401) > before);  // the revocation did land
  CHECK(e.sim().state().stats().tokens_issued(slug) == 2);    // one forced refresh, for all
  CHECK(e.stored_messages(slug) == e.true_messages(slug));
}
