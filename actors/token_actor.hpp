// Ownership: spawned and linked by its tenant supervisor, one per tenant. Threading: an
// event-based actor; the token request itself runs on the graph port's I/O threads.
//
// States:  empty --request--> fetching --ok--> cached --(5 min before expiry)--> fetching
//                               '--token_errc--> parked --(slow retry, 30 s .. 15 min)--> fetching
// While parked, callers get the parking error at once: nothing hammers the identity platform,
// and the tenant's status names the AADSTS code and what to do.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/fwd.hpp>

#include "actors/graph_port.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

struct token_options {
  /// Refresh this long before expiry. Default: 5 min.
  std::chrono::milliseconds refresh_ahead = std::chrono::minutes{5};
  /// First retry delay after a refused credential. Default: 30 s (doubling, capped at 15 min).
  std::chrono::milliseconds parked_retry = std::chrono::seconds{30};
};

/// Spawns the token actor of `tenant`.
token_actor spawn_token_actor(caf::actor_system& sys, tenant_id tenant,
                              std::shared_ptr<graph_port> port, token_options options = {});
/// Spawns it linked to `parent` (its tenant supervisor).
token_actor spawn_linked_token_actor(caf::local_actor* parent, tenant_id tenant,
                                     std::shared_ptr<graph_port> port, token_options options = {});

} // namespace m365
