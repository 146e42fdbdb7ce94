// Ownership: owned by page_writer (so by lmdb_store) and used only under the store's write lock,
// inside write transactions (one writer thread).
// The dedupe journal: where a new item finds the record that already holds the same
// internetMessageId / iCalUId, without a random B-tree insert per item.
//
// On disk (database dedupe_journal): per user and kind, append-only chunks
// `user|kind|be64(seq)` -> the entries (hash of the dedupe digest, owner record key) that one
// write transaction added (journal_chunk.hpp). One transaction writes at most one chunk per
// user and kind, so a commit of 1000 new items dirties a few sequential pages, not ~1000 leaves.
// Entries are never removed: a removal leaves a stale entry that callers filter out by reading
// the owner record and comparing its dedupe id (so is a hash collision). Promotions append.
//
// In memory: per user and kind, loaded lazily (a prefix scan of the journal) on first use, a
// hash table hash -> entry ordinal (12 bytes a slot) plus the chunk boundaries. Checked once per
// transaction against the journal's last sequence number, so a chunk written by another
// process (an admin purge that promoted a source) reloads it. Entries staged by a transaction
// are in the table at once (lookups of the same transaction find them) and are written as one
// chunk by flush(); when the transaction does not commit, aborted() drops every table it
// staged into (they reload from the committed journal on next use). A budget on loaded entries
// evicts the least recently used tables between transactions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <lmdb.h>

#include "messages/status.hpp"
#include "store/hash_slots.hpp"
#include "store/journal_chunk.hpp"
#include "store/store_schema.hpp"

namespace m365 {

class dedupe_journal {
public:
  /// `budget_entries`: entries kept loaded between transactions (least recently used tables
  /// go first). `hash_mask` is ANDed into every hash before lookup: all ones in production;
  /// tests pass 0 to make every dedupe id collide.
  dedupe_journal(const store_dbis& dbis, size_t budget_entries, uint64_t hash_mask) noexcept
    : dbis_(dbis), budget_(budget_entries), mask_(hash_mask) {}

  /// Starts a write transaction; forgets what an unfinished earlier one staged.
  void begin(MDB_txn* txn);
  /// Every entry of `prefix` (keys::journal_prefix) whose hash matches `hash` under the mask,
  /// committed or staged in this transaction, stale ones included.
  status candidates(std::string_view prefix, uint64_t hash, std::vector<journal_entry>& out);
  /// Adds an entry, visible to candidates() at once and written by flush().
  status stage(std::string_view prefix, uint64_t hash, std::string_view owner);
  /// Writes one chunk per user and kind that staged entries in this transaction.
  status flush();
  /// The transaction committed: staged entries are part of the journal now.
  void committed();
  /// The transaction was aborted (or failed): staged entries are forgotten.
  void aborted();

  /// Loaded entries over every table (for tests and stats).
  size_t loaded_entries() const noexcept { return loaded_; }
  size_t loaded_tables() const noexcept { return tables_.size(); }

private:
  struct chunk_ref {
    uint64_t seq = 0;
    uint32_t first = 0;  ///< ordinal of the chunk's first entry
  };
  struct table {
    hash_slots slots;
    std::vector<chunk_ref> chunks;
    uint32_t committed = 0;      ///< entries in written chunks; ordinals >= this are staged
    uint64_t next_seq = 0;
    uint64_t last_use = 0;
    uint64_t checked_in = 0;     ///< transaction in which it was last checked against the DB
    std::vector<journal_entry> staged;
  };

  /// The table of `prefix`, loaded or checked when this transaction has not used it yet.
  status touch(std::string_view prefix, table*& out);
  status load(std::string_view prefix, table& t);
  status entry_at(std::string_view prefix, const table& t, uint32_t ordinal, journal_entry& out);
  void drop(std::unordered_map<std::string, std::unique_ptr<table>>::iterator it);
  void enforce_budget();

  const store_dbis& dbis_;
  size_t budget_;
  uint64_t mask_;
  MDB_txn* txn_ = nullptr;
  uint64_t txn_no_ = 0;
  uint64_t clock_ = 0;
  size_t loaded_ = 0;
  std::unordered_map<std::string, std::unique_ptr<table>> tables_;
  std::vector<std::string> staging_;   ///< prefixes with staged entries in this transaction
  table* last_ = nullptr;              ///< the table touch() returned last (or null)
  std::string last_prefix_;
  std::vector<uint32_t> ordinals_;
  std::string chunk_;
};

} // namespace m365
