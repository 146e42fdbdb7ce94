// Retry decisions with an injected random source and clock: Retry-After honoured exactly
// (fractional, HTTP-date), exponential backoff with jitter from a floor within bounds, cap and
// attempt budget, 401 final (the stream actor owns the refresh).
#include <catch2/catch.hpp>

#include "adapters/retry_policy.hpp"

using namespace m365;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT

retry_policy fixed(double r) {
  return retry_policy{retry_settings{}, [r] { return r; }};
}

int after(int attempts) { return attempts; }

} // namespace

TEST_CASE("Retry-After is read as integer, fractional seconds or an HTTP-date", "[adapters][retry]") {
  CHECK(parse_retry_after("2", now) == milliseconds{2000});
  CHECK(parse_retry_after("1.5", now) == milliseconds{1500});
  CHECK(parse_retry_after("2.128", now) == milliseconds{2128});
  CHECK(parse_retry_after("0.2", now) == milliseconds{200});
  CHECK(parse_retry_after("0.0001", now) == milliseconds{1});  // rounded up, never early
  CHECK(parse_retry_after(" 3 ", now) == milliseconds{3000});
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now) == milliseconds{7000});
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == milliseconds{0});
  for (auto bad : {"", "-1", "soon", "1.5s", "1..5", "Wed, 21 Oct 2015 07:28:07 PST"})
    CHECK_FALSE(parse_retry_after(bad, now).has_value());
}

TEST_CASE("a throttle answer waits exactly the fractional Retry-After and pauses the mailbox",
          "[adapters][retry]") {
  auto policy = fixed(0.5);
  for (unsigned code : {429u, 503u, 504u}) {
    auto d = policy.on_response(code, "1.5", after(1), now);
    CHECK(d.action == retry_action::retry);
    CHECK(d.delay == 1500ms);
    CHECK(d.pause_mailbox);
    // The server's word is kept exactly, even under the floor of the backoff.
    CHECK(policy.on_response(code, "0.2", after(1), now).delay == 200ms);
  }
}

TEST_CASE("without Retry-After the backoff is exponential with jitter from a one-second floor",
          "[adapters][retry]") {
  // The jitter source at its extremes gives the bounds of each step:
  // [1 s, min(60 s, 1 s + 1 s * 2^(n-1))]. Never below the floor, whatever the random source says.
  auto low = fixed(0.0), high = fixed(1.0), mid = fixed(0.5);
  for (int attempts = 1; attempts <= 5; ++attempts) {
    const milliseconds ceiling{std::min<long long>(60000, 1000 + (1000LL << (attempts - 1)))};
    for (unsigned code : {429u, 503u, 504u}) {
      INFO("HTTP " << code << ", attempt " << attempts);
      auto d = high.on_response(code, "", after(attempts), now);
      CHECK(d.action == retry_action::retry);
      CHECK(d.pause_mailbox);  // a throttle without Retry-After pauses the mailbox too
      CHECK(d.delay == ceiling);
      CHECK(low.on_response(code, "", after(attempts), now).delay == 1000ms);
      CHECK(mid.on_response(code, "", after(attempts), now).delay
            == 1000ms + (ceiling - 1000ms) / 2);
    }
  }
}

TEST_CASE("server errors and transport failures back off from the same floor",
          "[adapters][retry]") {
  auto low = fixed(0.0), high = fixed(1.0);
  for (unsigned code : {500u, 502u}) {
    auto d = low.on_response(code, "", after(1), now);
    CHECK(d.action == retry_action::retry);
    CHECK_FALSE(d.pause_mailbox);
    CHECK(d.delay == 1000ms);
    CHECK(high.on_response(code, "", after(2), now).delay == 3000ms);
  }
  CHECK(low.on_transport_error(after(1)).delay == 1000ms);
  CHECK(high.on_transport_error(after(3)).delay == 5000ms);
}

TEST_CASE("the floor is configurable and held to the cap", "[adapters][retry]") {
  retry_settings s;
  s.floor = 3000ms;  // Microsoft's SDK default delay
  s.base = 500ms;
  s.cap = 10000ms;
  retry_policy low{s, [] { return 0.0; }}, high{s, [] { return 1.0; }};
  CHECK(low.backoff(1) == 3000ms);
  CHECK(high.backoff(1) == 3500ms);
  CHECK(high.backoff(5) == 10000ms);  // 3 s + 8 s would pass the cap
  s.floor = 20000ms;                  // a floor above the cap waits the cap
  retry_policy capped{s, [] { return 0.0; }};
  CHECK(capped.backoff(1) == 10000ms);
}

TEST_CASE("the backoff is capped at 60 s however many attempts were made", "[adapters][retry]") {
  retry_settings many;
  many.max_attempts = 100;
  retry_policy policy{many, [] { return 1.0; }};
  CHECK(policy.backoff(6) == 33000ms);   // 1 s + 32 s
  CHECK(policy.backoff(7) == 60000ms);   // 1 s + 64 s would exceed the cap
  CHECK(policy.backoff(60) == 60000ms);
}

TEST_CASE("a real random source keeps every delay inside the bounds", "[adapters][retry]") {
  uint64_t state = 42;
  retry_policy policy{retry_settings{}, [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  }};
  bool saw_small = false, saw_large = false;
  for (int i = 0; i < 1000; ++i) {
    auto delay = policy.backoff(3);  // [1 s, 5 s]
    REQUIRE(delay >= 1000ms);
    REQUIRE(delay <= 5000ms);
    saw_small |= delay < 2000ms;
    saw_large |= delay > 4000ms;
  }
  CHECK(saw_small);
  CHECK(saw_large);
}

TEST_CASE("the attempt budget ends retries with the matching error", "[adapters][retry]") {
  auto policy = fixed(0.5);
  auto throttled = policy.on_response(429, "1", after(6), now);
  CHECK(throttled.action == retry_action::fail);
  CHECK(throttled.error == graph_errc::throttled);
  auto server = policy.on_response(502, "", after(6), now);
  CHECK(server.action == retry_action::fail);
  CHECK(server.error == graph_errc::server_error);
  CHECK(policy.on_response(500, "", after(5), now).action == retry_action::retry);
  CHECK(policy.on_transport_error(after(5)).action == retry_action::retry);
  auto transport = policy.on_transport_error(after(6));
  CHECK(transport.action == retry_action::fail);
  CHECK(transport.error == graph_errc::transport);
}

TEST_CASE("a Retry-After beyond the allowed wait fails as throttled instead of sleeping",
          "[adapters][retry]") {
  auto d = fixed(0.5).on_response(429, "3600", after(1), now);
  CHECK(d.action == retry_action::fail);
  CHECK(d.error == graph_errc::throttled);
}

TEST_CASE("401 is final in the client: the stream actor owns the one forced refresh",
          "[adapters][retry]") {
  auto policy = fixed(0.5);
  auto d = policy.on_response(401, "", after(1), now);
  CHECK(d.action == retry_action::fail);
  CHECK(d.error == graph_errc::unauthorized);
  CHECK(policy.on_response(401, "1", after(1), now).action == retry_action::fail);
}

TEST_CASE("client errors are final and mapped to their meaning", "[adapters][retry]") {
  auto policy = fixed(0.5);
  CHECK(policy.on_response(410, "", after(1), now).error == graph_errc::sync_state_gone);
  CHECK(policy.on_response(410, "", after(1), now).action == retry_action::fail);
  CHECK(policy.on_response(403, "", after(1), now).error == graph_errc::forbidden);
  CHECK(policy.on_response(404, "", after(1), now).error == graph_errc::not_found);
  CHECK(policy.on_response(412, "", after(1), now).error == graph_errc::precondition_failed);
  auto bad = policy.on_response(400, "", after(1), now);
  CHECK(bad.action == retry_action::fail);
  CHECK(bad.error == graph_errc::request_rejected);
  CHECK(policy.on_response(200, "", after(1), now).action == retry_action::deliver);
}
