// Ownership: stateless; runs inside the caller's write transaction (lmdb_store::open).
// Upgrades the stored data of an older schema version to lmdb_store::schema_version.
#pragma once

#include <cstdint>

#include <lmdb.h>

#include "messages/status.hpp"
#include "store/store_schema.hpp"

namespace m365 {

/// Oldest schema version migrate_schema() upgrades.
constexpr uint32_t oldest_migratable_schema = 1;

/// Upgrades every database from `from_version` to the current version inside `txn`; the
/// databases of the current version are open in `dbis`. The caller writes the new version.
///   1 -> 2: version 1 kept a dedupe entry for every deduplicated item. Each entry's owner is
///           appended to the dedupe journal (one chunk run per user and kind), and entries with
///           a single source are deleted (the dedupe database keeps only groups).
status migrate_schema(MDB_txn* txn, const store_dbis& dbis, uint32_t from_version);

} // namespace m365
