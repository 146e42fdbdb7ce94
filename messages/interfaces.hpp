// The typed actor interfaces of m365sync. Each actor kind has one alias; callers may narrow a
// handle to the subset they use (caf::actor_cast to a smaller typed_actor).
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace m365 {

/// The single LMDB writer (actors/persistence_actor). Replies only after the transaction that
/// holds the page has committed; pages that queue up share one transaction (group commit).
/// Errors: store_errc (io_error is transient, corrupted is sticky).
using persistence_actor = caf::typed_actor<
  caf::replies_to<commit_atom, email_page>::with<commit_ack>,
  caf::replies_to<commit_atom, event_page>::with<commit_ack>,
  /// Waits until everything received before has committed.
  caf::replies_to<flush_atom>::with<commit_ack>>;

} // namespace m365
