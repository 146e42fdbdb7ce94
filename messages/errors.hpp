// Ownership: value types. Per-area error enums. CAF-free: the CAF registration that lets an actor
// reply with caf::error{code} (and the caller tell the area and the code apart) is in
// messages/error_registration.hpp, which only actors/ and the type-id block include.
#pragma once

#include <cstdint>
#include <string>

#include "messages/status.hpp"

namespace m365 {

/// Failures of the LMDB store (persistence actor).
enum class store_errc : uint8_t {
  io_error = 1,      ///< transient I/O failure; retried by the caller
  map_full,          ///< could not grow the map further
  corrupted,         ///< sticky: the store stopped accepting writes
  version_mismatch,  ///< schema version of the environment is not this build's
  invalid_record,    ///< a page that cannot be stored (bad key, oversize value)
  closed,            ///< the store was closed or the writer stopped
};

/// Failures of talking to Microsoft Graph or the identity platform.
enum class graph_errc : uint8_t {
  transport = 1,        ///< connect, TLS, reset, timeout: transient
  throttled,            ///< 429/503/504 after the retry budget
  unauthorized,         ///< 401 after one forced token refresh
  forbidden,            ///< 403: app lacks permission for this mailbox
  not_found,            ///< 404: mailbox or folder gone
  sync_state_gone,      ///< 410: drop the link and resync the folder
  bad_response,         ///< body that does not decode (truncated, wrong types)
  foreign_host,         ///< a server-supplied link points outside the tenant's hosts
  server_error,         ///< 5xx after the retry budget
  precondition_failed,  ///< 412: stale changeKey
  request_rejected,     ///< other 4xx: Graph refused the request (its code and message say why)
};

/// Failures of getting a token; each maps to an operator action (see token_errc docs).
enum class token_errc : uint8_t {
  invalid_secret = 1,   ///< AADSTS7000215: wrong client secret
  expired_secret,       ///< AADSTS7000222: the secret expired, create a new one
  app_not_in_tenant,    ///< AADSTS700016: app not found or not consented in the directory
  tenant_not_found,     ///< AADSTS90002: directory id is wrong
  invalid_scope,        ///< AADSTS70011
  bad_certificate,      ///< the client assertion was refused or the key does not load
  no_credential,        ///< nothing configured
  endpoint_error,       ///< token endpoint unreachable or answered garbage: transient
};

/// Failures of config files and API bodies.
enum class config_errc : uint8_t { parse_error = 1, invalid_value, unknown_reference, conflict };

/// Failures of the sync engine itself (supervisors, mailboxes).
enum class sync_errc : uint8_t {
  tenant_disabled = 1,
  tenant_parked,
  unknown_tenant,
  unknown_user,
  mailbox_parked,
  shutting_down,
};

const char* to_string(store_errc x) noexcept;
const char* to_string(graph_errc x) noexcept;
const char* to_string(token_errc x) noexcept;
const char* to_string(config_errc x) noexcept;
const char* to_string(sync_errc x) noexcept;

/// Store status -> store_errc (for actors that wrap the store).
store_errc to_store_errc(status_code code) noexcept;

} // namespace m365
