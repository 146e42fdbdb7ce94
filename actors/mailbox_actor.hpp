// Ownership: spawned and linked by a tenant supervisor, one per assigned user: the user's mail,
// one message delta stream per folder the tenant syncs (`tenant_settings::folders`).
// Threading: an event-based actor (the shared delta-stream core, actors/delta_stream.hpp, runs
// its rounds and classifies its failures).
#pragma once

#include <caf/fwd.hpp>

#include "actors/stream_context.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

/// Spawns the mailbox actor of `context.user`, linked to `parent` (its tenant supervisor).
mailbox_actor spawn_mailbox_actor(caf::local_actor* parent, stream_context context);

} // namespace m365
