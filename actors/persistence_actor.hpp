// Ownership: spawned once per process by the sync engine; the only writer of the store (pages,
// and the rule evaluator's rule changes).
// Threading: runs detached (its own thread), because every LMDB write blocks; reads of the
// store go around it, straight to lmdb_store from any thread.
#pragma once

#include <cstddef>
#include <memory>

#include <caf/actor_system.hpp>

#include "messages/interfaces.hpp"

namespace m365 {

class lmdb_store;

struct persistence_options {
  /// Most pages one transaction holds; a batch that reaches it commits at once.
  /// Default: 256.
  size_t max_batch_pages = 256;
  /// Most items (upserts + removals) one transaction holds, bounding its size (LMDB keeps a
  /// transaction's dirty pages in memory). Default: 20000.
  size_t max_batch_items = 20000;
};

/// Spawns the persistence actor (detached) over `store`.
///
/// Group commit: the first page that arrives while no batch is open opens one, and the actor
/// sends itself a trigger; every page that queued up before the trigger joins the batch, which
/// then commits in ONE transaction (sooner when it reaches a limit of `options`). Each page is
/// acknowledged after that commit, with commit_ack::batch_pages = pages in the transaction.
/// An invalid page is refused on arrival (store_errc::invalid_record) without touching the
/// batch. When a batch fails with a transient error, its pages are retried one per
/// transaction so one poisoned page cannot fail the others. After a sticky fatal error
/// (lmdb_store::health) every pending request gets that error and the actor quits with it.
/// flush_atom answers once everything received before it has committed (batch_pages = pages
/// of that last transaction; 0 when nothing was pending). rules_atom (from the rule evaluator)
/// commits the open batch, then the rule change in a transaction of its own; a change that
/// names a rule or item the store lacks fails with config_errc::unknown_reference and writes
/// nothing.
persistence_actor spawn_persistence_actor(caf::actor_system& sys,
                                          std::shared_ptr<lmdb_store> store,
                                          persistence_options options = {});

} // namespace m365
