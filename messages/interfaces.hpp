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

namespace m365 {

/// One tenant's token cache (actors/token_actor). `(token_atom, rejected)` answers a cached
/// token that is not about to expire; a non-empty `rejected` is the value Graph just refused
/// with 401 and forces one refresh unless a newer token is already cached. Concurrent callers
/// share one refresh (single flight). Errors: token_errc (the tenant is parked meanwhile).
using token_actor = caf::typed_actor<
  caf::replies_to<token_atom, std::string>::with<access_token>,
  caf::replies_to<status_atom>::with<token_status>>;

/// What every stream actor answers. `sync_atom` runs a round that starts after the request:
/// every stream is brought to its delta link; the reply reports what the round did (failures
/// are in the report, not errors).
using stream_actor = caf::typed_actor<
  caf::replies_to<sync_atom>::with<round_report>,
  caf::replies_to<status_atom>::with<mailbox_status>>;

/// One user's mail folders (actors/mailbox_actor): a message delta stream per folder.
using mailbox_actor = stream_actor;

/// One user's calendar (actors/calendar_actor): calendarView delta over a rolling window.
using calendar_actor = stream_actor;

/// One tenant instance (actors/tenant_supervisor): its token actor and stream actors.
using tenant_actor = caf::typed_actor<
  caf::replies_to<sync_atom>::with<round_report>,
  caf::replies_to<status_atom>::with<tenant_status>,
  caf::reacts_to<assign_atom, user_assignment>,
  caf::reacts_to<unassign_atom, user_id>>;

/// The root of the engine (actors/org_supervisor). Every runtime change goes through here and
/// takes effect without a restart; settings and assignments are persisted before the reply.
using org_actor = caf::typed_actor<
  /// Adds a tenant or changes its settings (schedule, endpoints, folders, enabled flag).
  caf::replies_to<put_atom, tenant_settings>::with<tenant_status>,
  /// Stops a tenant's actors and forgets its settings; its data and links stay.
  caf::replies_to<remove_atom, tenant_id>::with<bool>,
  /// Switches a tenant on (true) or off (false).
  caf::replies_to<enable_atom, tenant_id, bool>::with<tenant_status>,
  /// The tenant's credential changed in the store: drop its tokens and reconnect.
  caf::replies_to<credential_atom, tenant_id>::with<tenant_status>,
  /// Assigns a user to a tenant (moving it when it belonged to another one).
  caf::replies_to<assign_atom, user_assignment>::with<bool>,
  /// Runs a round for one tenant now and replies when it is done.
  caf::replies_to<sync_atom, tenant_id>::with<round_report>,
  caf::replies_to<status_atom, tenant_id>::with<tenant_status>,
  caf::replies_to<status_atom>::with<std::vector<tenant_status>>>;

} // namespace m365
