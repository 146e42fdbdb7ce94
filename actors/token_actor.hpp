// Ownership: spawned and linked by its tenant supervisor, one per tenant. Threading: an
// event-based actor; the token request itself runs on the graph port's I/O threads.
//
// States: token_state in messages/lifecycle.hpp (empty, fetching, cached, parked). While parked,
// callers get the parking error at once: nothing hammers the identity platform, and the
// tenant's status names the AADSTS code and what to do. Concurrent callers share one fetch.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/fwd.hpp>

#include "actors/engine_tuning.hpp"
#include "actors/graph_port.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

/// Spawns the token actor of `tenant` (tests hold it alone; the engine links it).
token_actor spawn_token_actor(caf::actor_system& sys, tenant_id tenant,
                              std::shared_ptr<graph_port> port, engine_tuning tuning = {});
/// Spawns it linked to `parent` (its tenant supervisor).
token_actor spawn_linked_token_actor(caf::local_actor* parent, tenant_id tenant,
                                     std::shared_ptr<graph_port> port, engine_tuning tuning = {});

} // namespace m365
