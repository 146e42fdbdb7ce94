// Ownership: see header.
#include "adapters/mailbox_gate.hpp"

#include <algorithm>

namespace m365 {

mailbox_gate::mailbox_gate(mailbox_limits limits)
  : limits_(limits),
    bucket_width_ms_(std::max<int64_t>(1, limits.window.count() / static_cast<int64_t>(buckets))) {
  bucket_id_.fill(-1);
}

int64_t mailbox_gate::bucket_of(clock::time_point t) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()
         / bucket_width_ms_;
}

uint32_t mailbox_gate::sent_in_window(clock::time_point now) const {
  // Buckets [current - buckets, current] cover at least the last full window.
  const int64_t current = bucket_of(now);
  uint32_t total = 0;
  for (size_t i = 0; i < bucket_id_.size(); ++i)
    if (bucket_id_[i] >= current - static_cast<int64_t>(buckets) && bucket_id_[i] <= current)
      total += count_[i];
  return total;
}

bool mailbox_gate::try_acquire(clock::time_point now) {
  if (now < paused_until_ || in_flight_ >= limits_.max_concurrent
      || sent_in_window(now) >= limits_.window_limit)
    return false;
  const int64_t current = bucket_of(now);
  const size_t slot = static_cast<size_t>(current % static_cast<int64_t>(bucket_id_.size()));
  if (bucket_id_[slot] != current) {
    bucket_id_[slot] = current;
    count_[slot] = 0;
  }
  ++count_[slot];
  ++in_flight_;
  return true;
}

void mailbox_gate::release() {
  if (in_flight_ > 0)
    --in_flight_;
}

void mailbox_gate::pause_until(clock::time_point until) {
  paused_until_ = std::max(paused_until_, until);
}

mailbox_gate::clock::time_point mailbox_gate::next_opening(clock::time_point now) const {
  clock::time_point at = std::max(now, paused_until_);
  if (sent_in_window(at) >= limits_.window_limit) {
    // Advance bucket by bucket until enough sends have aged out.
    const int64_t current = bucket_of(at);
    for (int64_t b = current + 1; b <= current + static_cast<int64_t>(buckets) + 1; ++b) {
      const clock::time_point candidate{std::chrono::milliseconds{b * bucket_width_ms_}};
      if (sent_in_window(candidate) < limits_.window_limit)
        return std::max(at, candidate);
    }
  }
  return at;
}

} // namespace m365
