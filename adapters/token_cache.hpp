// Ownership: one cache per tenant, shared by the tenant's graph client (as its token_source).
// Thread-safe (a mutex guards the state; callbacks run outside it). Clock injected for tests.
// CAF-free building block for the token actor: refresh ahead of expiry, single flight, and
// slow retries after failures.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/token_client.hpp"
#include "adapters/token_source.hpp"

namespace m365 {

struct token_cache_settings {
  /// Refresh this long before expiry (the cached token is still served meanwhile). Default: 5 min.
  std::chrono::seconds refresh_ahead{300};
  /// Wait after a transient failure before the next fetch; doubles up to the cap. Default: 5 s.
  std::chrono::seconds retry_min{5};
  /// Longest wait between fetches after failures (credential errors wait this long at once:
  /// an operator must act). Default: 5 min.
  std::chrono::seconds retry_max{300};
};

/// State machine:
///
///   empty --get--> fetching --ok--> fresh --(expires_at - refresh_ahead)--> stale
///     ^               |  ^                                                    |
///     |            failure \----------------- get (serves cached, fetches) --'
///     '-- backoff <---'       (callers during backoff get the last error at once)
class token_cache : public token_source {
public:
  using clock = std::chrono::system_clock;
  /// Starts one token request; must call its argument exactly once (any thread).
  using fetch_fn = std::function<void(std::function<void(token_outcome)>)>;

  token_cache(token_cache_settings settings, fetch_fn fetch,
              std::function<clock::time_point()> now = [] { return clock::now(); });

  /// token_source: the cached token, or the result of the one fetch in flight.
  void get_token(bool force_refresh, callback done) override;

  /// Last failure (token_errc and operator message), if the last fetch failed.
  std::optional<token_outcome> last_failure() const;
  /// Expiry of the cached token (epoch when none).
  clock::time_point expires_at() const;
  /// Fetches started so far.
  uint64_t fetches() const;

private:
  void start_fetch_locked();
  void on_fetched(token_outcome out);

  token_cache_settings settings_;
  fetch_fn fetch_;
  std::function<clock::time_point()> now_;
  mutable std::mutex mutex_;
  std::optional<access_token> token_;
  std::optional<token_outcome> failure_;
  clock::time_point next_attempt_{};
  std::chrono::seconds backoff_{0};
  bool in_flight_ = false;
  std::vector<callback> waiters_;
  uint64_t fetches_ = 0;
};

} // namespace m365
