// Ownership: value type, pure; no clock or randomness of its own (both injected), so every
// decision is reproducible in tests. Not thread-safe (the random source may not be); the graph
// client uses it on its strand only.
//
// The one place that decides request retries in the engine: the graph client asks it after
// every answer; nothing above the client re-sends a request the client gave up on (the stream
// actors end their round with the error, and the next scheduled round tries again).
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
  /// Shortest wait before a retry the server gave no Retry-After for (429/503/504 without the
  /// header, 500/502, transport failures). A throttled mailbox asked again within milliseconds
  /// is throttled again; Microsoft's SDK waits 3 s. Default: 1 s.
  std::chrono::milliseconds floor{1000};
  /// The jitter span above the floor before the first retry; it doubles with every attempt.
  /// Default: 1 s.
  std::chrono::milliseconds base{1000};
  /// Longest backoff wait (a Retry-After is honoured up to max_retry_after). Default: 60 s.
  std::chrono::milliseconds cap{60000};
  /// Attempts per request, the first one included: the whole budget of one request in the
  /// engine. Default: 6.
  int max_attempts = 6;
  /// A Retry-After longer than this fails the request as `throttled` instead of waiting
  /// (the stream's next scheduled round asks again). Default: 300 s.
  std::chrono::milliseconds max_retry_after{300000};
};

/// What the client does with an answer.
enum class retry_action : uint8_t {
  deliver,  ///< success (2xx/3xx): hand the response to the caller
  retry,    ///< send again after `delay`
  fail,     ///< give up with `error`
};

struct retry_decision {
  retry_action action = retry_action::deliver;
  std::chrono::milliseconds delay{0};
  /// A throttle answer (429/503/504, with or without Retry-After): the mailbox's whole queue
  /// pauses for `delay`, not only this request.
  bool pause_mailbox = false;
  graph_errc error = graph_errc::transport;  ///< meaningful for `fail`
};

/// Parses a Retry-After value: delta-seconds, integer or fractional ("2", "1.5", "2.128"), or
/// an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", compared with `now`; a past date gives 0).
/// nullopt for anything else (negative, garbage).
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

/// Decides retries for Graph answers (`attempts`: sends made so far, 1 after the first):
/// * 429/503/504: wait exactly the Retry-After (fractions kept), or the backoff when there is
///   none; pause the mailbox; after the budget, or a Retry-After over max_retry_after: throttled.
/// * 500/502 and transport failures (reset, truncated body, timeout): the backoff; after the
///   budget: server_error / transport.
/// * 401: unauthorized at once. The stream actor owns 401 handling (one forced refresh at its
///   tenant's token actor, one new request with the new token): the client holds no token.
/// * 403 forbidden, 404 not_found, 410 sync_state_gone, 412 precondition_failed, other 4xx
///   request_rejected: never retried.
class retry_policy {
public:
  /// Uniform random numbers in [0, 1): the jitter source.
  using random_source = std::function<double()>;

  retry_policy(retry_settings settings, random_source random);

  /// `retry_after` is the header's raw value (empty when absent).
  retry_decision on_response(unsigned http_status, std::string_view retry_after, int attempts,
                             std::chrono::system_clock::time_point now) const;

  /// A transport failure (connect, TLS, reset, truncated body, timeout).
  retry_decision on_transport_error(int attempts) const;

  /// Exponential backoff with jitter from the floor, before attempt `attempts + 1`:
  /// uniform in [floor, min(cap, floor + base * 2^(attempts - 1))] (the floor itself is held
  /// to the cap).
  std::chrono::milliseconds backoff(int attempts) const;

  const retry_settings& settings() const noexcept { return settings_; }

private:
  retry_settings settings_;
  random_source random_;
};

} // namespace m365
