// Ownership: the root of the engine, spawned once by the server (or an embedding host) and held
// by it; owns (links) one tenant supervisor per enabled tenant. Threading: an event-based actor.
//
// Tenant lifecycle: tenant_state in messages/lifecycle.hpp. The org derives what it reports for
// a tenant from what it holds: a live supervisor answers for itself (running, degraded, parked);
// without one the tenant is disabled (its enabled flag is off), restarting (a restart is
// scheduled) or parked (`max_tenant_failures` failures in a row; the last error says why).
// The org monitors the persistence actor: when the store writer stops, every tenant stops and
// the org ends with the writer's reason (nothing fetches pages it could not store).
// Every change (add, change settings or credential, disable, enable, assign) takes effect at
// once with no restart of the server. The org does not write configuration to the store: the
// caller persists it first (the API does), so a restart brings back the same picture.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/engine_tuning.hpp"
#include "actors/graph_port.hpp"
#include "actors/stream_context.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

struct engine_config {
  std::vector<tenant_settings> tenants;      ///< started when enabled
  std::vector<user_assignment> users;        ///< each names its tenant
  std::shared_ptr<graph_port_factory> ports; ///< builds each tenant's Graph connection
  persistence_actor persistence;             ///< the single store writer
  rule_evaluator_actor rules;                ///< every stream actor subscribes; null: no rules
  link_loader load_link;                     ///< null: every stream starts from scratch
  /// Makes the logger of a tenant (every line carries the tenant id). Null: spdlog clones.
  std::function<std::shared_ptr<spdlog::logger>(const tenant_id&)> make_logger;
  engine_tuning tuning;                      ///< passed down to every tenant as it is
};

org_actor spawn_org_supervisor(caf::actor_system& sys, engine_config config);

} // namespace m365
