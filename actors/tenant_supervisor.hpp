// Ownership: spawned and monitored by the org supervisor, one per enabled tenant; owns (links)
// the tenant's token actor and, per assigned user, a mailbox actor and a calendar actor.
// Threading: an event-based actor.
//
// A child that fails is restarted alone after a capped exponential backoff (1 s .. 5 min), from
// the links in the store (the backoff starts afresh once the child ran 10 minutes healthy);
// other users and other tenants are untouched. A tenant whose graph port cannot be built (bad
// endpoints, unreadable credential) is parked with that reason. Stopping the supervisor stops
// every child: nothing of the tenant is requested any more.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/graph_port.hpp"
#include "actors/item_filter.hpp"
#include "actors/stream_actor.hpp"
#include "actors/token_actor.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

struct tenant_context {
  tenant_settings settings;
  std::vector<user_assignment> users;        ///< the users assigned to this tenant
  std::shared_ptr<graph_port_factory> ports;
  persistence_actor persistence;
  std::shared_ptr<item_filter> filter;       ///< null: include everything
  link_loader load_link;                     ///< null: every stream starts from scratch
  std::shared_ptr<spdlog::logger> log;       ///< null: a logger named after the tenant
  bool sync_at_start = true;                 ///< Default: true
  token_options tokens;
  /// Restart backoff of failed children. Defaults: 1 s doubling to 5 min.
  std::chrono::milliseconds restart_base = std::chrono::seconds{1};
  std::chrono::milliseconds restart_cap = std::chrono::minutes{5};
  /// A child that ran this long before failing restarts with the first backoff step again.
  std::chrono::milliseconds restart_healthy_after = std::chrono::minutes{10};
  /// Retry tuning passed to the stream actors (see stream_context).
  std::chrono::milliseconds retry_base = std::chrono::seconds{1};
};

tenant_actor spawn_tenant_supervisor(caf::actor_system& sys, tenant_context context);

} // namespace m365
