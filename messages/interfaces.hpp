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
  caf::replies_to<flush_atom>::with<commit_ack>,
  /// A change of the rule set from the rule evaluator: purged items, rule puts and removals
  /// and the audit record in ONE transaction (lmdb_store::change_rules), after the pages
  /// received before it. Replies after commit; removed = purged items.
  caf::replies_to<rules_atom, rule_change>::with<commit_ack>>;

} // namespace m365

namespace m365 {

/// One tenant's token cache (actors/token_actor). `(token_atom, rejected)` answers a cached
/// token that is not about to expire; a non-empty `rejected` is the value Graph just refused
/// with 401 and forces one refresh unless a newer token is already cached. Concurrent callers
/// share one refresh (single flight). Errors: token_errc (the tenant is parked meanwhile).
using token_actor = caf::typed_actor<
  caf::replies_to<token_atom, std::string>::with<access_token>,
  caf::replies_to<status_atom>::with<token_status>>;

/// What the rule evaluator sends a subscribed mailbox or calendar actor on every change of the
/// rule set: the new compiled set, immutable and shared (rule_set_snapshot.hpp). The actor
/// decides each page it fetches after this with it, a whole page with one set.
using rule_set_subscriber = caf::typed_actor<caf::reacts_to<rules_atom, rule_set_snapshot>>;

/// The only writer of the org's rule sets (actors/rule_evaluator). A change is validated (the
/// store's tenants and users as catalog), compiled, persisted in one store transaction through
/// the persistence actor, and then sent to every subscriber before the change is answered.
/// Errors: config_errc::invalid_value (the rule does not validate or compile; nothing is
/// written or sent), config_errc::unknown_reference (no such rule or item),
/// config_errc::conflict (a purge whose preview token no longer matches), store_errc.
using rule_evaluator_actor = caf::typed_actor<
  /// Subscribes the sender (a rule_set_subscriber) and answers the current set; the evaluator
  /// monitors it and forgets it when it dies.
  caf::replies_to<subscribe_atom>::with<rule_set_snapshot>,
  /// The rules of the current set, in precedence order.
  caf::replies_to<list_atom>::with<std::vector<rule>>,
  /// Adds a rule or replaces the rule of its id; the string names who (for the audit).
  caf::replies_to<put_atom, rule, std::string>::with<rule_put_result>,
  /// Removes the rule with this id (first string); the second names who. Answers it.
  caf::replies_to<remove_atom, std::string, std::string>::with<rule>,
  /// How the current set decides an item (its tenant's internal domains from the store).
  caf::replies_to<explain_atom, email>::with<rule_explanation>,
  caf::replies_to<explain_atom, event>::with<rule_explanation>,
  /// Same, for the stored email or event (tenant, user, Graph id).
  caf::replies_to<explain_atom, tenant_id, user_id, std::string>::with<rule_explanation>,
  /// What a candidate rule would newly exclude among the stored items of a tenant (every
  /// tenant when empty), with the token a purge needs.
  caf::replies_to<preview_atom, rule, tenant_id>::with<rule_preview_report>,
  /// Removes the items the candidate newly excludes and stores it (one transaction), when the
  /// token (third) matches a preview made now; the fourth names who.
  caf::replies_to<purge_atom, rule, tenant_id, std::string, std::string>::with<
    rule_purge_report>,
  caf::replies_to<status_atom>::with<rule_evaluator_status>>;

/// What every stream actor answers. `sync_atom` runs a round that starts after the request:
/// every stream is brought to its delta link; the reply reports what the round did (failures
/// are in the report, not errors).
/// Each subscribes to the rule evaluator at start and decides its pages with the set it last
/// received (rule_set_subscriber).
using stream_actor = caf::typed_actor<
  caf::replies_to<sync_atom>::with<round_report>,
  caf::replies_to<status_atom>::with<mailbox_status>>::extend_with<rule_set_subscriber>;

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
