// Ownership: one per server, shared by all threads (internally locked).
// Graph's Outlook limits per (application, mailbox): at most N concurrent requests and M
// requests per sliding window; beyond that 429 ApplicationThrottled with Retry-After. It also
// remembers the Retry-After it gave so requests arriving before it passed can be counted.
// A request that arrives within `early_grace` of the Retry-After being issued is not counted:
// the client sent it before the 429 could reach it (several requests of one mailbox may be in
// flight at once), so it is no violation; a client that ignores Retry-After keeps sending
// after the grace and is counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <deque>
#include <string>
#include <utility>

namespace m365::sim {

class throttle {
public:
  using clock = std::chrono::steady_clock;

  struct admission {
    bool allowed = true;
    double retry_after_s = 0;  ///< when !allowed
    bool concurrency_limited = false; ///< refused for concurrency (else for the window budget)
    bool early = false;        ///< arrived before a previously given Retry-After had passed
    unsigned attempted_concurrency = 0; ///< in-flight requests including this one
  };

  throttle(unsigned max_concurrent, uint32_t max_per_window, int64_t window_s,
           std::chrono::milliseconds early_grace = std::chrono::milliseconds{100});

  /// Called when a request for (app, mailbox) arrives. When allowed, `release` must follow.
  admission admit(const std::string& app, const std::string& mailbox);
  void release(const std::string& app, const std::string& mailbox);
  /// Records that a response told this client to wait `seconds` (any 429/503 with Retry-After).
  void told_to_wait(const std::string& app, const std::string& mailbox, double seconds);
  void set_limits(unsigned max_concurrent, uint32_t max_per_window, int64_t window_s);

private:
  struct state {
    unsigned in_flight = 0;
    std::deque<clock::time_point> recent;
    clock::time_point not_before{};
    clock::time_point told_at{};  ///< when the Retry-After behind not_before was issued
  };
  std::mutex mutex_;
  unsigned max_concurrent_;
  uint32_t max_per_window_;
  std::chrono::seconds window_;
  std::chrono::milliseconds early_grace_;
  uint64_t concurrency_rejections_ = 0;
  std::map<std::pair<std::string, std::string>, state> states_;
};

} // namespace m365::sim
