// Ownership: value types. The lifecycle states an operator sees in status answers, one enum per
// kind of thing, each state machine drawn here once. `to_string` gives the words of the API
// (design.md section 6), so the CLI, the logs and the API all show the same names.
#pragma once

#include <cstdint>

namespace m365 {

/// One tenant instance, as the org supervisor and the tenant's own supervisor see it.
///
///              put / enable                               the supervisor failed
///   disabled ---------------> running <------------------------------------------ restarting
///      ^                       |   ^  \--------------------------------------------^    |
///      |                       |   |   (restart after a capped backoff)                 |
///      |       a mailbox fails |   | every mailbox healthy again                        |
///      |                       v   |                        5 failures in a row, or the |
///      |                      degraded                      store writer stopped        v
///      |                                                                              parked
///      |       credential refused or endpoints unusable (the token actor keeps    (last_error
///      |       retrying slowly; a token that arrives makes the tenant running)     says what
///      '----- disable / remove, from any state            put / enable / credential  to do)
///                                                          --> running
///
/// `running`, `degraded` and (credential) `parked` are reported by a live supervisor; `disabled`,
/// `restarting` and (failure count) `parked` by the org for a tenant with no supervisor.
enum class tenant_state : uint8_t { running = 0, degraded, parked, disabled, restarting };

/// One user's mailbox actor (mail folders) or calendar actor.
///
///   idle --round starts--> syncing --every stream at its delta link--> idle
///                           |    ^
///                           |    '-- the retry delay passed
///                           +-- a page's commit failed transiently --> backoff
///                           '-- a stream ended its round with an error that no retry mends
///                               (403, 404, foreign host, refused credential) --> parked
///   parked --next round (schedule or sync request)--> syncing
///   The tenant supervisor reports `backoff` for an actor that failed and waits for its restart.
enum class mailbox_state : uint8_t { idle = 0, syncing, backoff, parked };

/// One tenant's access token (the token actor).
///
///   empty --first request--> fetching --token--> cached --(refresh_ahead before expiry)--> fetching
///                               '--credential refused (token_errc)--> parked
///   parked --(slow retry, 30 s .. 15 min)--> fetching;  a 401 drops the cached token (one refresh)
enum class token_state : uint8_t { empty = 0, fetching, cached, parked };

/// What a stream actor syncs: mail folders (mailbox actor) or the calendar (calendar actor).
enum class stream_kind : uint8_t { mail = 0, calendar };

const char* to_string(tenant_state x) noexcept;
const char* to_string(mailbox_state x) noexcept;
const char* to_string(token_state x) noexcept;
const char* to_string(stream_kind x) noexcept;

} // namespace m365
