// Ownership: immutable value; the server swaps a whole profile atomically (shared_ptr).
// Seeded fault injection. Every decision is a hash of (seed, mailbox, that mailbox's request
// number), so a client that sends the same requests in the same order sees the same faults.
//
// Schema (JSON object, every key optional; probabilities are per request, 0..1):
//   {
//     "seed": 7,                          // default: the server's --seed
//     "throttle_429": 0.02,               // 429 ApplicationThrottled + Retry-After
//     "throttle_429_no_retry_after": 0.01,// 429 ApplicationThrottled without Retry-After
//     "retry_after_seconds": [1, 1.5, 2.128], // values drawn for injected 429/503 (fractions kept)
//     "http_500": 0.01, "http_502": 0.01, "http_503": 0.01, "http_504": 0.01,
//     "reset_mid_body": 0.005,            // send half the body, then TCP RST
//     "truncated_body": 0.005,            // send half the body (full Content-Length), then FIN
//     "latency": {"probability": 0.1, "min_ms": 5, "max_ms": 200},
//     "sync_state_not_found": 0.01,       // 410 syncStateNotFound on requests carrying a
//                                         //   $skiptoken / $deltatoken
//     "replay_items": 0.05,               // a nextLink page starts with items already sent
//     "token_lifetime_s": 120,            // expires_in / exp of issued access tokens
//     "revoked_secret_tenants": ["contoso"], // secret -> AADSTS7000215 (certificate still works)
//     "expired_secret_tenants": ["fabrikam"],// secret -> AADSTS7000222
//     "outage_tenants": ["northwind"],    // every Graph and token request of the tenant -> 503
//     "doc_quirks": true                  // documented wire quirks (isRead as a string in later
//                                         //   delta rounds); default true
//   }
// The 429/5xx/reset/truncation probabilities are exclusive and checked in that order.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"

namespace m365::sim {

/// The fault chosen for one request.
struct fault_decision {
  enum class kind : uint8_t {
    none, throttle, throttle_no_retry_after, http_500, http_502, http_503, http_504, reset, truncate
  };
  kind what = kind::none;
  double retry_after_s = 0;
  uint32_t latency_ms = 0;
  bool sync_state_not_found = false;
  bool replay = false;
};

/// Human name of a fault kind, as used in the counters ("throttle", "http_503", "reset", …).
const char* to_string(fault_decision::kind k) noexcept;

struct fault_profile {
  uint64_t seed = 0;
  bool has_seed = false;
  double throttle_429 = 0;
  double throttle_429_no_retry_after = 0;
  std::vector<double> retry_after_seconds{1.0, 1.5, 2.128};
  double http_500 = 0, http_502 = 0, http_503 = 0, http_504 = 0;
  double reset_mid_body = 0;
  double truncated_body = 0;
  double latency_probability = 0;
  uint32_t latency_min_ms = 0, latency_max_ms = 0;
  double sync_state_not_found = 0;
  double replay_items = 0;
  int64_t token_lifetime_s = 0; ///< 0 = server default
  std::set<std::string> revoked_secret_tenants;
  std::set<std::string> expired_secret_tenants;
  std::set<std::string> outage_tenants;
  bool doc_quirks = true;

  /// Parses the schema above; invalid_argument naming the offending key.
  static m365::expected<fault_profile> parse(std::string_view json_text);
  /// Back to JSON (for `GET /_sim/faults`).
  std::string to_json() const;

  /// The decision for request number `n` of `mailbox` (`has_link`: carries a sync token).
  fault_decision decide(uint64_t server_seed, uint64_t mailbox, uint64_t n, bool has_link) const;
};

} // namespace m365::sim
