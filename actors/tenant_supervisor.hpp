// Ownership: spawned and linked by the org supervisor, one per enabled tenant; owns (links)
// the tenant's token actor and, per assigned user, a mailbox actor and a calendar actor.
// Threading: an event-based actor.
//
// A stream actor that fails is restarted alone after a capped exponential backoff
// (engine_tuning: 1 s .. 5 min), from the links in the store (the backoff starts afresh once the
// child ran `restart_healthy_after`); meanwhile its status shows `backoff` with the failure.
// Other users and other tenants are untouched. When the token actor fails the whole tenant
// stops and the org restarts it. A tenant whose graph port cannot be built (bad endpoints,
// unreadable credential) is parked with that reason. Stopping the supervisor stops every
// child: nothing of the tenant is requested any more. Its state (messages/lifecycle.hpp):
// parked while the port is missing or the token actor is parked, degraded while a mailbox is
// parked or backing off, running otherwise.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/engine_tuning.hpp"
#include "actors/graph_port.hpp"
#include "actors/stream_context.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

struct tenant_context {
  tenant_settings settings;
  std::vector<user_assignment> users;        ///< the users assigned to this tenant
  std::shared_ptr<graph_port_factory> ports;
  persistence_actor persistence;
  rule_evaluator_actor rules;                ///< null: include everything
  link_loader load_link;                     ///< null: every stream starts from scratch
  std::shared_ptr<spdlog::logger> log;       ///< null: a logger named after the tenant
  engine_tuning tuning;
};

/// Spawns the supervisor of `context.settings.id`, linked to `parent` (the org supervisor).
tenant_actor spawn_tenant_supervisor(caf::local_actor* parent, tenant_context context);

} // namespace m365
