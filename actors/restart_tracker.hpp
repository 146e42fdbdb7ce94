// Ownership: value type, one per supervised child (a tenant supervisor in the org, a stream
// actor in its tenant supervisor). Threading: used from its supervisor only.
//
// Restart bookkeeping of one child: the delay before each restart grows exponentially (with
// jitter, capped), and a child that ran for `healthy_after` before it failed starts afresh:
// its failure count and its backoff go back to the first step. Without that, a mailbox that
// crashes once a week would soon wait the full cap, and a tenant would be parked for failures
// months apart. Time is passed in, so the policy is testable without clocks; the supervisors
// pass their actor clock's `self->clock().now()` (a steady_clock time point), which CAF's test
// coordinator moves in the supervision tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "actors/backoff.hpp"

namespace m365 {

class restart_tracker {
public:
  using clock = std::chrono::steady_clock;

  /// Defaults: 1 s doubling to 5 min; healthy after 10 minutes without a failure.
  explicit restart_tracker(std::chrono::milliseconds base = std::chrono::seconds{1},
                           std::chrono::milliseconds cap = std::chrono::minutes{5},
                           std::chrono::milliseconds healthy_after = std::chrono::minutes{10},
                           uint64_t seed = std::random_device{}())
    : delay_(base, cap, seed), healthy_after_(healthy_after) {}

  /// The child was (re)started at `now`.
  void started(clock::time_point now) noexcept { started_at_ = now; }

  /// The child failed at `now`: counts the failure and answers the delay before its restart.
  std::chrono::milliseconds failed(clock::time_point now) {
    if (now - started_at_ >= healthy_after_) {
      failures_in_row_ = 0;
      delay_.reset();
    }
    ++failures_in_row_;
    return delay_.next();
  }

  /// Failures since the child last ran healthy (or since reset()).
  uint32_t failures_in_row() const noexcept { return failures_in_row_; }

  /// An operator's change (new settings, enable, new credential): start counting afresh.
  void reset() noexcept {
    failures_in_row_ = 0;
    delay_.reset();
  }

private:
  backoff delay_;
  std::chrono::milliseconds healthy_after_;
  clock::time_point started_at_{};
  uint32_t failures_in_row_ = 0;
};

} // namespace m365
