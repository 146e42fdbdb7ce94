// Ownership: value type; one per retry loop. Threading: not shared.
// Capped exponential backoff with jitter, used for re-fetching a page whose commit failed, the
// token actor's retries of a parked credential and actor restarts (request retries are the
// Graph client's: adapters/retry_policy).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace m365 {

class backoff {
public:
  /// Defaults: base 1 s, cap 5 min.
  explicit backoff(std::chrono::milliseconds base = std::chrono::seconds{1},
                   std::chrono::milliseconds cap = std::chrono::minutes{5},
                   uint64_t seed = std::random_device{}())
    : base_(base), cap_(cap), rng_(seed) {}

  /// Delay before the next attempt: uniform in [base/2, min(cap, base * 2^attempts)], so the
  /// first retry is never immediate and many failing actors spread out.
  std::chrono::milliseconds next() {
    auto ceiling = base_.count();
    for (uint32_t i = 0; i < attempts_ && ceiling < cap_.count(); ++i)
      ceiling *= 2;
    ceiling = std::min<int64_t>(ceiling, cap_.count());
    ++attempts_;
    std::uniform_int_distribution<int64_t> pick{std::min<int64_t>(base_.count() / 2, ceiling),
                                                ceiling};
    return std::chrono::milliseconds{pick(rng_)};
  }

  void reset() noexcept { attempts_ = 0; }
  uint32_t attempts() const noexcept { return attempts_; }

private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  std::mt19937_64 rng_;
  uint32_t attempts_ = 0;
};

} // namespace m365
