// Ownership: spawned and linked by a tenant supervisor: per assigned user one mailbox actor
// (email delta of every configured folder) and one calendar actor (calendarView delta over a
// rolling window). Threading: event-based actors; Graph I/O runs on the graph port's threads and
// comes back as messages; commits go to the persistence actor.
//
// One page at a time per stream: token -> fetch -> rules -> commit -> (ack) -> cursor moves ->
// next page, until the delta link. Failures are classified: 410 restarts the stream as a resync,
// 401 forces one token refresh, transient errors retry with capped backoff (5 attempts a round),
// credential and permission errors end the stream's round with the error in the report.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/fwd.hpp>
#include <spdlog/logger.h>

#include "actors/graph_port.hpp"
#include "actors/item_filter.hpp"
#include "messages/interfaces.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// Reads the stored cursor of one stream (tenant, user, folder); a default link when none.
using link_loader =
  std::function<caf::expected<delta_link>(const tenant_id&, const user_id&, const std::string&)>;

/// Everything a stream actor needs; shared pieces are shared_ptrs owned by the org.
struct stream_context {
  tenant_settings tenant;
  user_assignment user;
  std::shared_ptr<graph_port> port;
  token_actor tokens;
  persistence_actor persistence;
  std::shared_ptr<item_filter> filter;     ///< null: include everything
  link_loader load_link;                   ///< null: start every stream from scratch
  std::shared_ptr<spdlog::logger> log;     ///< the tenant's logger; null: spdlog default
  /// Start a first round right away (after a small random delay). Default: true.
  bool sync_at_start = true;
  /// Attempts per stream and round for transient failures. Default: 5.
  uint32_t max_attempts = 5;
  /// First retry delay. Default: 1 s (doubling with jitter, capped at 2 min).
  std::chrono::milliseconds retry_base = std::chrono::seconds{1};
  /// How long a commit may take before the page is fetched again. Default: 2 min.
  std::chrono::milliseconds commit_timeout = std::chrono::minutes{2};
};

/// Which kind of stream actor.
enum class stream_kind : uint8_t { mail = 0, calendar };

/// Spawns a mailbox or calendar actor linked to `parent` (its tenant supervisor).
stream_actor spawn_linked_stream_actor(caf::local_actor* parent, stream_kind kind,
                                       stream_context context);
/// Spawns one unlinked (tests, embedding).
stream_actor spawn_stream_actor(caf::actor_system& sys, stream_kind kind,
                                stream_context context);

} // namespace m365
