// Ownership: the root of the engine, spawned once by the server (or an embedding host) and held
// by it; owns (links) one tenant supervisor per enabled tenant. Threading: an event-based actor.
//
// Tenant lifecycle:  disabled <--enable/disable--> running --(supervisor failed)--> restarting
//                    restarting --(backoff)--> running;  5 failures in a row --> parked
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

#include "actors/graph_port.hpp"
#include "actors/item_filter.hpp"
#include "actors/stream_actor.hpp"
#include "actors/token_actor.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

struct engine_config {
  std::vector<tenant_settings> tenants;      ///< started when enabled
  std::vector<user_assignment> users;        ///< each names its tenant
  std::shared_ptr<graph_port_factory> ports; ///< builds each tenant's Graph connection
  persistence_actor persistence;             ///< the single store writer
  std::shared_ptr<item_filter> filter;       ///< null: include everything
  link_loader load_link;                     ///< null: every stream starts from scratch
  /// Makes the logger of a tenant (every line carries the tenant id). Null: spdlog clones.
  std::function<std::shared_ptr<spdlog::logger>(const tenant_id&)> make_logger;
  /// Run a first round as soon as a mailbox starts. Default: true.
  bool sync_at_start = true;
  /// Restart backoff of tenant supervisors and of mailbox/calendar actors. Defaults: 1 s doubling
  /// to 5 min; a tenant is parked after 5 failures in a row. A tenant or actor that ran
  /// `restart_healthy_after` (default 10 min) before failing starts counting afresh.
  std::chrono::milliseconds restart_base = std::chrono::seconds{1};
  std::chrono::milliseconds restart_cap = std::chrono::minutes{5};
  std::chrono::milliseconds restart_healthy_after = std::chrono::minutes{10};
  uint32_t max_tenant_failures = 5;
  /// First retry delay of a failing page fetch. Default: 1 s.
  std::chrono::milliseconds retry_base = std::chrono::seconds{1};
  token_options tokens;
};

org_actor spawn_org_supervisor(caf::actor_system& sys, engine_config config);

} // namespace m365
