// Ownership: value type, pure; no clock or randomness of its own (both injected), so every
// decision is reproducible in tests. Not thread-safe (the random source may not be); the graph
// client uses it on its strand only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "messages/errors.hpp"

namespace m365 {

/// Retry limits. Defaults follow Microsoft's throttling guidance.
struct retry_settings {
  /// First backoff step when the server gives no Retry-After. Default: 1 s.
  std::chrono::milliseconds base{1000};
  /// Largest backoff step. Default: 60 s.
  std::chrono::milliseconds cap{60000};
  /// Attempts per request, the first one included. Default: 6.
  int max_attempts = 6;
  /// A Retry-After longer than this fails the request as `throttled` instead of waiting
  /// (the engine reschedules the whole round). Default: 300 s.
  std::chrono::milliseconds max_retry_after{300000};
};

/// What the client does with an answer.
enum class retry_action : uint8_t {
  deliver,                  ///< success (2xx/3xx): hand the response to the caller
  retry,                    ///< send again after `delay`
  refresh_token_and_retry,  ///< force a token refresh, then send again once
  fail,                     ///< give up with `error`
};

struct retry_decision {
  retry_action action = retry_action::deliver;
  std::chrono::milliseconds delay{0};
  /// True when the delay came from the server (Retry-After) or is a throttle backoff: the
  /// mailbox's whole queue pauses, not only this request.
  bool pause_mailbox = false;
  graph_errc error = graph_errc::transport;  ///< meaningful for `fail`
};

/// Where a request stands: attempts already made (1 after the first send).
struct attempt_state {
  int attempts = 1;
  bool token_refreshed = false;
};

/// Parses a Retry-After value: delta-seconds, integer or fractional ("2", "1.5", "2.128"), or
/// an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", compared with `now`; a past date gives 0).
/// nullopt for anything else (negative, garbage).
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

/// Decides retries for Graph answers:
/// * 429/503/504: wait Retry-After (or backoff), pause the mailbox; after the budget: throttled.
/// * 500/502 and transport failures (reset, truncated body, timeout): backoff; after the
///   budget: server_error / transport.
/// * 401 InvalidAuthenticationToken (or 401 without a decodable body): one forced token
///   refresh and one retry; then unauthorized.
/// * 403 forbidden, 404 not_found, 410 sync_state_gone, 412 precondition_failed, other 4xx
///   request_rejected: never retried.
class retry_policy {
public:
  /// Uniform random numbers in [0, 1): the jitter source.
  using random_source = std::function<double()>;

  retry_policy(retry_settings settings, random_source random);

  /// `retry_after` is the header's raw value (empty when absent); `graph_code` the decoded
  /// error body's code (empty when absent or undecodable).
  retry_decision on_response(unsigned http_status, std::string_view retry_after,
                             std::string_view graph_code, const attempt_state& state,
                             std::chrono::system_clock::time_point now) const;

  /// A transport failure (connect, TLS, reset, truncated body, timeout).
  retry_decision on_transport_error(const attempt_state& state) const;

  /// Full-jitter exponential backoff before attempt `attempts + 1`:
  /// uniform in [0, min(cap, base * 2^(attempts - 1))].
  std::chrono::milliseconds backoff(int attempts) const;

  const retry_settings& settings() const noexcept { return settings_; }

private:
  retry_settings settings_;
  random_source random_;
};

} // namespace m365
