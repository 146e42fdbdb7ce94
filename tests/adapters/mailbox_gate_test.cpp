// Per-mailbox admission with a synthetic steady clock: 4 in flight, throttle pauses, and the
// 10 000 requests / 10 minutes sliding window.
#include <catch2/catch.hpp>

#include "adapters/mailbox_gate.hpp"

using namespace m365;
using namespace std::chrono_literals;

namespace {
const mailbox_gate::clock::time_point t0{std::chrono::hours{1000}};
}

TEST_CASE("no more than four requests of a mailbox are in flight", "[adapters][gate]") {
  mailbox_gate gate;
  for (int i = 0; i < 4; ++i)
    REQUIRE(gate.try_acquire(t0));
  CHECK_FALSE(gate.try_acquire(t0));
  CHECK(gate.in_flight() == 4);
  CHECK(gate.next_opening(t0) == t0);  // only a release can open it
  gate.release();
  CHECK(gate.try_acquire(t0));
  CHECK_FALSE(gate.try_acquire(t0 + 1h));
}

TEST_CASE("a throttle pause holds every send until it has passed", "[adapters][gate]") {
  mailbox_gate gate;
  gate.pause_until(t0 + 1500ms);
  gate.pause_until(t0 + 200ms);  // a shorter pause never shortens the longer one
  CHECK_FALSE(gate.try_acquire(t0));
  CHECK_FALSE(gate.try_acquire(t0 + 1499ms));
  CHECK(gate.next_opening(t0) == t0 + 1500ms);
  CHECK(gate.try_acquire(t0 + 1500ms));
}

TEST_CASE("the sliding window never admits more than the limit in any window",
          "[adapters][gate]") {
  mailbox_limits limits;
  limits.window_limit = 10000;
  mailbox_gate gate{limits};
  // Send as fast as admitted, one request per 10 ms for 30 simulated minutes, releasing at once.
  std::vector<mailbox_gate::clock::time_point> sent;
  for (auto t = t0; t < t0 + 30min; t += 10ms) {
    if (gate.try_acquire(t)) {
      sent.push_back(t);
      gate.release();
    }
  }
  // Check every window of 10 minutes ending at a send.
  size_t start = 0;
  size_t worst = 0;
  for (size_t i = 0; i < sent.size(); ++i) {
    while (sent[i] - sent[start] >= 10min)
      ++start;
    worst = std::max(worst, i - start + 1);
  }
  CHECK(worst <= 10000);
  CHECK(worst >= 9800);        // conservative by at most one bucket (10 s = 1000 sends here)
  CHECK(sent.size() > 20000);  // and sending resumes as old requests age out
}

TEST_CASE("a full window reports when it opens again", "[adapters][gate]") {
  mailbox_limits limits;
  limits.window_limit = 3;
  mailbox_gate gate{limits};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(gate.try_acquire(t0));
    gate.release();
  }
  CHECK_FALSE(gate.try_acquire(t0 + 1s));
  auto opening = gate.next_opening(t0 + 1s);
  CHECK(opening > t0 + 10min - 1ms);
  CHECK(opening <= t0 + 10min + 10s);
  CHECK_FALSE(gate.try_acquire(opening - 1ms));
  CHECK(gate.try_acquire(opening));
}
