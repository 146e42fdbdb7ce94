// The token actor on its own, on CAF's test coordinator: one fetch for many callers, one forced
// refresh per rejected token, refresh ahead of expiry on the actor's clock, parking on a refused
// credential with slow retries, and a status that never shows the token.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "actors/token_actor.hpp"
#include "scripted_port.hpp"
#include "tests/support/deterministic_system.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

struct token_fixture {
  deterministic_system ds;
  std::shared_ptr<scripted_port> port = std::make_shared<scripted_port>();
  engine_tuning tuning;
  token_actor tokens;

  token_fixture() {
    tuning.token_refresh_ahead = 5min;
    tuning.token_parked_retry = 30s;
    tokens = spawn_token_actor(ds.sys(), "contoso", port, tuning);
    ds.run();
  }

  ~token_fixture() {
    caf::anon_send_exit(tokens, caf::exit_reason::user_shutdown);
    ds.run();
  }

  /// A token request (rejecting `rejected`, "" for none); answered at a later run().
  std::shared_ptr<reply<access_token>> ask_token(std::string rejected = {}) {
    return ds.request<access_token>(tokens, token_atom_v, std::move(rejected));
  }

  token_status status() {
    auto r = ds.ask<token_status>(tokens, status_atom_v);
    REQUIRE(r.value);
    return *r.value;
  }

  /// Asks for a token and has the port answer it: the cached token's value.
  std::string first_token() {
    auto r = ask_token();
    ds.run();
    auto value = port->answer_token();
    ds.run();
    REQUIRE(r->value);
    return value;
  }

  std::optional<caf::timespan> next_tick() const { return ds.next_delay(tokens, tick_atom_v); }
};

caf::error refused_secret() {
  return caf::make_error(token_errc::invalid_secret, "AADSTS7000215: invalid client secret");
}

} // namespace

TEST_CASE_METHOD(token_fixture,
                 "callers that ask while a fetch is under way share that one fetch and its token",
                 "[actors][token]") {
  std::vector<std::shared_ptr<reply<access_token>>> callers;
  for (int i = 0; i < 5; ++i)
    callers.push_back(ask_token());
  ds.run();
  CHECK(port->token_requests == 1);
  CHECK(status().state == token_state::fetching);
  for (auto& c : callers)
    CHECK_FALSE(c->answered());

  auto value = port->answer_token();
  ds.run();
  for (auto& c : callers) {
    REQUIRE(c->value);
    CHECK(c->value->value == value);
    CHECK(c->value->tenant == "contoso");  // the actor stamps its tenant
  }
  // Later callers get the cached token without a fetch.
  auto later = ask_token();
  ds.run();
  REQUIRE(later->value);
  CHECK(later->value->value == value);
  CHECK(port->token_requests == 1);
  CHECK(status().state == token_state::cached);
}

TEST_CASE_METHOD(token_fixture,
                 "several callers rejecting the same token cause one refresh; rejecting an older "
                 "token refreshes nothing",
                 "[actors][token]") {
  auto refused = first_token();
  std::vector<std::shared_ptr<reply<access_token>>> rejecting;
  for (int i = 0; i < 3; ++i)
    rejecting.push_back(ask_token(refused));  // three streams got the same 401
  ds.run();
  CHECK(port->token_requests == 2);
  CHECK(port->waiting_token_requests() == 1);
  auto renewed = port->answer_token();
  ds.run();
  CHECK(renewed != refused);
  for (auto& r : rejecting) {
    REQUIRE(r->value);
    CHECK(r->value->value == renewed);
  }
  // A late 401 for the token already replaced: the newer one is handed out as it is.
  auto late = ask_token(refused);
  ds.run();
  REQUIRE(late->value);
  CHECK(late->value->value == renewed);
  CHECK(port->token_requests == 2);
}

TEST_CASE_METHOD(token_fixture,
                 "a token is refreshed refresh_ahead before it expires, with no caller asking",
                 "[actors][token]") {
  auto first = first_token();  // lives 1 h: refreshed 5 min before, at 55 min
  auto tick = next_tick();
  REQUIRE(tick);
  // The lifetime is read against the wall clock when the token arrives: a millisecond may pass.
  CHECK(*tick <= 55min);
  CHECK(*tick >= 55min - 1s);

  ds.advance(*tick - 1ms);
  CHECK(port->token_requests == 1);
  auto before = ask_token();
  ds.run();
  REQUIRE(before->value);
  CHECK(before->value->value == first);  // still handed out, no fetch
  CHECK(port->token_requests == 1);

  ds.advance(1ms);
  CHECK(port->token_requests == 2);  // nobody asked
  CHECK(status().state == token_state::fetching);
  auto second = port->answer_token();
  ds.run();
  auto st = status();
  CHECK(st.state == token_state::cached);
  auto after = ask_token();
  ds.run();
  REQUIRE(after->value);
  CHECK(after->value->value == second);
  CHECK(port->token_requests == 2);
}

TEST_CASE_METHOD(token_fixture, "a short-lived token is refreshed at half its lifetime",
                 "[actors][token]") {
  port->token_lifetime = 4min;  // shorter than twice refresh_ahead
  first_token();
  auto tick = next_tick();
  REQUIRE(tick);
  CHECK(*tick <= 2min);
  CHECK(*tick >= 2min - 1s);
  ds.advance(*tick);
  CHECK(port->token_requests == 2);
}

TEST_CASE_METHOD(token_fixture,
                 "a refused credential parks the token actor: callers fail at once, retries come "
                 "slowly with a growing delay, and a token that arrives unparks it",
                 "[actors][token]") {
  auto first = ask_token();
  ds.run();
  port->fail_token(refused_secret());
  ds.run();
  REQUIRE(first->error);
  CHECK(first->error == token_errc::invalid_secret);
  auto st = status();
  CHECK(st.state == token_state::parked);
  CHECK(st.last_error.find("AADSTS7000215") != std::string::npos);

  // While parked, callers get the refusal at once and the identity platform is not asked.
  for (int i = 0; i < 3; ++i) {
    auto r = ask_token();
    ds.run();
    CHECK(r->error == token_errc::invalid_secret);
  }
  CHECK(port->token_requests == 1);

  // Slow retries: the k-th waits in [retry/2, retry * 2^(k-1)] (full jitter, capped at 15 min).
  std::vector<caf::timespan> delays;
  for (size_t k = 1; k <= 6; ++k) {
    auto wait = next_tick();
    REQUIRE(wait);
    delays.push_back(*wait);
    CHECK(*wait >= 15s);
    CHECK(*wait <= std::min<caf::timespan>(30s * (1 << (k - 1)), 15min));
    ds.advance(*wait - 1ms);
    CHECK(port->token_requests == k);  // not before its time
    ds.advance(1ms);
    CHECK(port->token_requests == k + 1);
    CHECK(status().state == token_state::parked);  // a retry under way does not unpark
    port->fail_token(refused_secret());
    ds.run();
  }
  // The delay grows: with full jitter from retry/2, six delays all within the first step's
  // ceiling would mean it does not (the chance of that with a growing ceiling is below 1e-5).
  CHECK(std::any_of(delays.begin() + 1, delays.end(), [](auto d) { return d > 30s; }));

  auto wait = next_tick();
  REQUIRE(wait);
  ds.advance(*wait);
  auto value = port->answer_token();
  ds.run();
  st = status();
  CHECK(st.state == token_state::cached);
  CHECK(st.last_error.empty());
  auto r = ask_token();
  ds.run();
  REQUIRE(r->value);
  CHECK(r->value->value == value);
}

TEST_CASE_METHOD(token_fixture,
                 "a transient failure of the identity platform fails the waiting callers but "
                 "does not park",
                 "[actors][token]") {
  auto first = ask_token();
  ds.run();
  port->fail_token(caf::make_error(token_errc::endpoint_error, "connection reset"));
  ds.run();
  CHECK(first->error == token_errc::endpoint_error);
  CHECK(status().state == token_state::empty);
  CHECK_FALSE(next_tick());  // no slow retry: the next caller asks again
  auto again = ask_token();
  ds.run();
  CHECK(port->token_requests == 2);
  port->answer_token();
  ds.run();
  CHECK(again->value);
}

TEST_CASE_METHOD(token_fixture, "the status tells the token's state and never its value",
                 "[actors][token]") {
  CHECK(status().state == token_state::empty);
  auto value = first_token();
  auto st = status();
  CHECK(st.state == token_state::cached);
  CHECK(st.expires_at > now_ms());
  CHECK(caf::deep_to_string(st).find(value) == std::string::npos);
  // A rejected token is dropped: refetching, and still nothing of either value shows.
  ask_token(value);
  ds.run();
  st = status();
  CHECK(st.state == token_state::fetching);
  port->fail_token(refused_secret());
  ds.run();
  st = status();
  CHECK(st.state == token_state::parked);
  CHECK(caf::deep_to_string(st).find("token-") == std::string::npos);
}
