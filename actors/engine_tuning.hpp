// Ownership: value type. The engine's timing knobs in one struct: the host sets it once in
// sync_engine_options and every layer (org -> tenant supervisor -> token and stream actors)
// receives a copy by value, so a knob is declared, documented and defaulted here only.
#pragma once

#include <chrono>
#include <cstdint>

namespace m365 {

struct engine_tuning {
  /// Run a first round as soon as each mailbox and calendar actor starts. Default: true.
  bool sync_at_start = true;

  // -- supervision (org: tenant supervisors; tenant supervisor: stream actors) ----------------

  /// First restart delay of a failed child, doubling with jitter. Default: 1 s.
  std::chrono::milliseconds restart_base = std::chrono::seconds{1};
  /// Largest restart delay. Default: 5 min.
  std::chrono::milliseconds restart_cap = std::chrono::minutes{5};
  /// A child that ran this long before failing restarts with the first delay again (and its
  /// failure count starts afresh). Default: 10 min.
  std::chrono::milliseconds restart_healthy_after = std::chrono::minutes{10};
  /// Failures in a row after which the org parks a tenant instead of restarting it. Default: 5.
  uint32_t max_tenant_failures = 5;

  // -- stream actors ---------------------------------------------------------------------------

  /// First retry delay of a stream whose page failed transiently (doubling with jitter, capped
  /// at 2 min). Default: 1 s.
  std::chrono::milliseconds retry_base = std::chrono::seconds{1};
  /// Attempts per stream and round for transient failures. Default: 5.
  uint32_t max_attempts = 5;
  /// How long a commit may take before the page is fetched again. Default: 2 min.
  std::chrono::milliseconds commit_timeout = std::chrono::minutes{2};

  // -- token actors ----------------------------------------------------------------------------

  /// Refresh a token this long before it expires (half its lifetime for short-lived tokens).
  /// Default: 5 min.
  std::chrono::milliseconds token_refresh_ahead = std::chrono::minutes{5};
  /// First retry delay after the identity platform refused the credential (doubling, capped at
  /// 15 min). Default: 30 s.
  std::chrono::milliseconds token_parked_retry = std::chrono::seconds{30};
};

} // namespace m365
