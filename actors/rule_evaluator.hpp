// Ownership: spawned once per engine by sync_engine, beside the persistence actor and the org
// supervisor, and held by it; the only writer of the org's rule sets. Threading: an event-based
// actor on the scheduler; the one long job it has, the scan of every stored item behind preview
// and purge, runs in a short-lived detached worker so subscriptions are answered meanwhile.
//
// Every change (put, remove, purge) goes, in this order:
//   validate (rules/rule_validation, the store's tenants and users as catalog)
//   -> compile the whole new set (a set that does not validate or compile is refused:
//      nothing is written, nothing is sent)
//   -> persist: ONE store transaction with its audit record, written by the persistence actor
//      (rules_atom), so the store keeps its single writer and no scheduler thread waits on the
//      store's write lock. The evaluator waits for the commit before it handles anything else,
//      so changes never interleave and the held set is always the stored one.
//   -> publish: the new immutable compiled set, as a rule_set_snapshot, to every subscriber
//   -> answer the change.
// Because the subscribers are sent the new set before the change is answered, anything the
// caller asks a mailbox after the answer (a sync round) is decided by it; a page already being
// decided keeps the set it started with.
//
// Subscribers are the mailbox and calendar actors: each subscribes at start and gets the
// current set in the answer; the evaluator monitors them and forgets the dead ones. The sets
// are shared by pointer between local actors and never serialized (rule_set_snapshot.hpp).
//
// At start the evaluator loads the store's rules, so the rules a change persisted are the ones
// the next start evaluates with.
#pragma once

#include <cstddef>
#include <memory>

#include <caf/actor_system.hpp>

#include "messages/expected.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

class lmdb_store;

struct rule_evaluator_options {
  /// Required. Read for the rules at start, the catalog of every change, the items to explain
  /// and the scans of preview and purge; never written (the persistence actor writes).
  std::shared_ptr<lmdb_store> store;
  /// Required: the store's single writer.
  persistence_actor persistence;
  /// Examples a preview shows. Default: 5.
  size_t example_limit = 5;
};

/// Loads and compiles the store's rules and spawns the evaluator with them. Fails, spawning
/// nothing, when the stored rules cannot be read or do not compile.
expected<rule_evaluator_actor> spawn_rule_evaluator(caf::actor_system& sys,
                                                    rule_evaluator_options options);

} // namespace m365
