// Restart bookkeeping of supervised children: the backoff grows while a child keeps failing,
// and starts afresh once it ran healthy for the configured time.
#include <catch2/catch.hpp>

#include "actors/restart_tracker.hpp"

using namespace m365;
using namespace std::chrono_literals;

namespace {

constexpr auto base = 100ms;
constexpr auto cap = 10s;
constexpr auto healthy = 10min;

} // namespace

TEST_CASE("a child that keeps failing waits longer each time, up to the cap", "[actors][restart]") {
  restart_tracker r{base, cap, healthy, 1};
  auto t = restart_tracker::clock::time_point{} + 1h;
  std::chrono::milliseconds ceiling = base;
  for (int i = 0; i < 12; ++i) {
    r.started(t);
    t += 1s;  // fails soon after each start
    auto delay = r.failed(t);
    CHECK(delay >= base / 2);
    CHECK(delay <= std::min<std::chrono::milliseconds>(ceiling, cap));
    ceiling *= 2;
    t += delay;
  }
  CHECK(r.failures_in_row() == 12);
  // By now the range is [base/2, cap]: some delays must exceed the first steps' ceiling.
  bool long_wait = false;
  for (int i = 0; i < 20; ++i) {
    r.started(t);
    long_wait |= r.failed(t + 1s) > 4 * base;
  }
  CHECK(long_wait);
}

TEST_CASE("a child that ran healthy before failing starts again at the first step",
          "[actors][restart]") {
  restart_tracker r{base, cap, healthy, 2};
  auto t = restart_tracker::clock::time_point{} + 1h;
  for (int i = 0; i < 10; ++i) {
    r.started(t);
    r.failed(t + 1s);
  }
  REQUIRE(r.failures_in_row() == 10);
  r.started(t);
  auto delay = r.failed(t + healthy);  // ran the whole healthy period
  CHECK(r.failures_in_row() == 1);
  CHECK(delay <= base);
  // Just short of the period is not healthy: the count goes on.
  r.started(t);
  r.failed(t + healthy - 1ms);
  CHECK(r.failures_in_row() == 2);
}

TEST_CASE("an operator's reset clears the count and the backoff", "[actors][restart]") {
  restart_tracker r{base, cap, healthy, 3};
  auto t = restart_tracker::clock::time_point{} + 1h;
  for (int i = 0; i < 8; ++i) {
    r.started(t);
    r.failed(t + 1s);
  }
  r.reset();
  CHECK(r.failures_in_row() == 0);
  r.started(t);
  CHECK(r.failed(t + 1s) <= base);
}
