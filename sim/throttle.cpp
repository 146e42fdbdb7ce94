#include "sim/throttle.hpp"

namespace m365::sim {

throttle::throttle(unsigned max_concurrent, uint32_t max_per_window, int64_t window_s,
                   std::chrono::milliseconds early_grace)
  : max_concurrent_(max_concurrent),
    max_per_window_(max_per_window),
    window_(window_s),
    early_grace_(early_grace) {}

void throttle::set_limits(unsigned max_concurrent, uint32_t max_per_window, int64_t window_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  max_concurrent_ = max_concurrent;
  max_per_window_ = max_per_window;
  window_ = std::chrono::seconds(window_s);
}

throttle::admission throttle::admit(const std::string& app, const std::string& mailbox) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = clock::now();
  state& s = states_[{app, mailbox}];
  admission a;
  a.early = now < s.not_before && now >= s.told_at + early_grace_;
  a.attempted_concurrency = s.in_flight + 1;
  while (!s.recent.empty() && s.recent.front() + window_ <= now)
    s.recent.pop_front();
  if (s.in_flight >= max_concurrent_) {
    a.allowed = false;
    a.concurrency_limited = true;
    // Seconds with a fraction, as Graph sends for short waits ("1.5", "2.128" in the docs).
    static constexpr double waits[] = {1.0, 1.5, 0.5, 2.128};
    a.retry_after_s = waits[concurrency_rejections_++ % 4];
  } else if (s.recent.size() >= max_per_window_) {
    a.allowed = false;
    auto wait = s.recent.front() + window_ - now;
    double secs = std::chrono::duration<double>(wait).count();
    a.retry_after_s = secs < 0.001 ? 0.001 : secs;
  }
  if (a.allowed) {
    ++s.in_flight;
    s.recent.push_back(now);
  } else {
    auto until = now + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(a.retry_after_s));
    if (until > s.not_before) {
      s.not_before = until;
      s.told_at = now;
    }
  }
  return a;
}

void throttle::release(const std::string& app, const std::string& mailbox) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = states_.find({app, mailbox});
  if (it != states_.end() && it->second.in_flight > 0)
    --it->second.in_flight;
}

void throttle::told_to_wait(const std::string& app, const std::string& mailbox, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  state& s = states_[{app, mailbox}];
  auto now = clock::now();
  auto until = now + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  if (until > s.not_before) {
    s.not_before = until;
    s.told_at = now;
  }
}

} // namespace m365::sim
