// Ownership: one gate per mailbox, owned by the graph client and used on its strand only
// (not thread-safe). Pure: the caller passes the current steady time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace m365 {

/// Per-mailbox admission limits. Defaults are Graph's documented Outlook limits.
struct mailbox_limits {
  /// Requests in flight at once. Default: 4.
  uint32_t max_concurrent = 4;
  /// Requests per sliding window. Default: 10 000.
  uint32_t window_limit = 10000;
  /// The sliding window. Default: 10 minutes.
  std::chrono::milliseconds window{600000};
};

/// Decides when a mailbox may send: at most `max_concurrent` in flight, never before a
/// throttle pause has passed, never more than `window_limit` sends in any `window`.
///
/// The window is counted in 60 buckets of window/60; the buckets overlapping the last window
/// are summed, which over-counts by at most one bucket: conservative, so the limit is never
/// exceeded, with fixed memory per mailbox.
class mailbox_gate {
public:
  using clock = std::chrono::steady_clock;

  explicit mailbox_gate(mailbox_limits limits = {});

  /// Admits one request now (counts it in flight and in the window) or returns false.
  bool try_acquire(clock::time_point now);

  /// A request finished (success or failure); frees its concurrency slot.
  void release();

  /// Holds every send until `until` (a throttle answer's Retry-After, or the backoff when it
  /// had none). Extends, never shortens.
  void pause_until(clock::time_point until);

  /// When a refused try_acquire can succeed without a release: the end of the pause or the
  /// moment the oldest counted bucket leaves the window. `now` when only concurrency blocks.
  clock::time_point next_opening(clock::time_point now) const;

  uint32_t in_flight() const noexcept { return in_flight_; }
  /// Sends counted in the window ending at `now` (conservative, see the class comment).
  uint32_t sent_in_window(clock::time_point now) const;
  clock::time_point paused_until() const noexcept { return paused_until_; }

private:
  static constexpr size_t buckets = 60;
  int64_t bucket_of(clock::time_point t) const;

  mailbox_limits limits_;
  int64_t bucket_width_ms_;
  std::array<int64_t, buckets + 1> bucket_id_{};  ///< which bucket a slot holds (-1 = none)
  std::array<uint32_t, buckets + 1> count_{};
  uint32_t in_flight_ = 0;
  clock::time_point paused_until_{};
};

} // namespace m365
