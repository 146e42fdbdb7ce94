// Ownership: owned by page_writer (so by lmdb_store) and used only under the store's write lock,
// inside write transactions (one writer thread).
// The dedupe journal: where a new item finds the record that already holds the same
// internetMessageId / iCalUId, without a random B-tree insert per item.
//
// On disk (database dedupe_journal): per user and kind, append-only chunks
// `user|kind|be64(seq)` -> the entries (hash of the dedupe digest, owner record key) that one
// write transaction added (journal_chunk.hpp). One transaction writes at most one chunk per
// user and kind, so a commit of 1000 new items dirties a few sequential pages, not ~1000 leaves.
// A removal leaves a stale entry that callers filter out by reading the owner record and
// comparing its dedupe id (so is a hash collision). Promotions append.
//
// Compaction: page_writer reports every removed record that has a dedupe id (removed()); the
// count is kept per user and kind in a counter record `user|kind` -> u8 version | varint stale
// (the bare prefix: it sorts before every chunk of its prefix; absent when 0), adjusted by
// count_stale(). When flush() finds stale >=
// compact_floor and stale > live, it rewrites that prefix in the same transaction: every entry
// (committed and staged) whose owner still exists with a dedupe id of the entry's hash is kept,
// every chunk is deleted, the kept ones are written as fresh chunks numbered from the table's
// next sequence number on (at least one chunk, maybe empty), the counter record is deleted.
// So sequence numbers only grow, and a process whose table predates the compaction finds a
// chunk at or after its own next sequence number and reloads (the check below). Removals
// written before the counter existed were not counted: the count may understate until the
// next compaction recounts.
//
// In memory: per user and kind, loaded lazily (a prefix scan of the journal) on first use, a
// hash table hash -> entry ordinal (12 bytes a slot) plus the chunk boundaries. Checked once per
// transaction against the journal's last sequence number, so a chunk written by another
// process (an admin purge that promoted a source) reloads it. Entries staged by a transaction
// are in the table at once (lookups of the same transaction find them) and are written as one
// chunk by flush(); when the transaction does not commit, aborted() drops every table it
// staged into or compacted (they reload from the committed journal on next use). A budget on
// loaded entries evicts the least recently used tables between transactions, but never one the
// transaction just used (else a user whose table alone exceeds the budget would reload it in
// every transaction), unless the testing option evict_used asks for it.
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <lmdb.h>

#include "messages/status.hpp"
#include "store/hash_slots.hpp"
#include "store/journal_chunk.hpp"
#include "store/store_schema.hpp"

namespace m365 {

struct dedupe_journal_options {
  /// Entries kept loaded between transactions (least recently used tables go first).
  size_t budget_entries = 4'000'000;
  /// ANDed into every hash before lookup: all ones in production; tests pass 0 to make every
  /// dedupe id collide.
  uint64_t hash_mask = ~uint64_t{0};
  /// A user and kind is compacted once it has at least this many stale entries (and more
  /// stale than live ones). 0 counts as 1.
  size_t compact_floor = 1024;
  /// Testing only: the budget may evict the tables the last transaction used.
  bool evict_used = false;
  /// Testing only: flush() fails (status internal) after a compaction, so the transaction
  /// aborts with the compaction done in it.
  bool fail_after_compaction = false;
};

struct dedupe_journal_stats {
  size_t loaded_entries = 0;
  size_t loaded_tables = 0;
  uint64_t loads = 0;        ///< prefix scans that loaded a table
  uint64_t compactions = 0;  ///< committed compactions
};

/// Whether a committed journal entry of `prefix` still names its owner: the owner record
/// exists and its dedupe id hashes to the entry's hash.
using journal_liveness =
  std::function<status(std::string_view prefix, const journal_entry& entry, bool& live)>;

class dedupe_journal {
public:
  dedupe_journal(const store_dbis& dbis, const dedupe_journal_options& options) noexcept
    : dbis_(dbis), options_(options) {}

  /// Starts a write transaction; forgets what an unfinished earlier one staged.
  void begin(MDB_txn* txn);
  /// Every entry of `prefix` (keys::journal_prefix) whose hash matches `hash` under the mask,
  /// committed or staged in this transaction, stale ones included.
  status candidates(std::string_view prefix, uint64_t hash, std::vector<journal_entry>& out);
  /// Adds an entry, visible to candidates() at once and written by flush().
  status stage(std::string_view prefix, uint64_t hash, std::string_view owner);
  /// The stale entries of `prefix` changed by `delta` in this transaction: +1 when a listed
  /// record is removed, -1 when a stale entry names its owner again (a removed source delivered
  /// again). So the count follows the journal's state and re-applied pages leave it as it was.
  void count_stale(std::string_view prefix, int64_t delta);
  /// Counts the removals, compacts the prefixes that need it (`live` decides which entries
  /// stay), then writes one chunk per user and kind that staged entries in this transaction.
  status flush(const journal_liveness& live);
  /// The transaction committed: staged entries are part of the journal now.
  void committed();
  /// The transaction was aborted (or failed): staged entries are forgotten.
  void aborted();

  /// As of the last committed() / aborted(); any thread.
  dedupe_journal_stats stats() const noexcept;

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
  /// Visits every chunk of `prefix` in sequence order (the counter record is skipped).
  status for_each_chunk(
    std::string_view prefix,
    const std::function<status(std::string_view key, uint64_t seq, const journal_chunk_view&)>&
      visit);
  status load(std::string_view prefix, table& t);
  status entry_at(std::string_view prefix, const table& t, uint32_t ordinal, journal_entry& out);
  void drop(std::unordered_map<std::string, std::unique_ptr<table>>::iterator it);
  void enforce_budget();
  void publish() noexcept;
  /// Adds this transaction's `delta` to the counter record of `prefix`; compacts it when due.
  status update_counter(std::string_view prefix, int64_t delta, const journal_liveness& live);
  /// Rewrites the journal of `prefix` with its live entries (dedupe_journal_compaction.cpp).
  status compact(std::string_view prefix, const journal_liveness& live);
  /// Every committed entry of `prefix`, in journal order, into `out`; the chunk keys into keys.
  status read_all(std::string_view prefix, std::vector<journal_entry>& out,
                  std::vector<std::string>& chunk_keys);

  const store_dbis& dbis_;
  dedupe_journal_options options_;
  MDB_txn* txn_ = nullptr;
  uint64_t txn_no_ = 0;
  uint64_t clock_ = 0;
  size_t loaded_ = 0;
  std::unordered_map<std::string, std::unique_ptr<table>> tables_;
  std::vector<std::string> staging_;   ///< prefixes with staged entries in this transaction
  std::vector<std::pair<std::string, int64_t>> removals_;  ///< prefix -> count_stale() sum
  std::vector<std::string> compacted_; ///< prefixes compacted by this transaction
  uint64_t compactions_pending_ = 0;
  std::atomic<size_t> stat_entries_{0};
  std::atomic<size_t> stat_tables_{0};
  std::atomic<uint64_t> stat_loads_{0};
  std::atomic<uint64_t> stat_compactions_{0};
  table* last_ = nullptr;              ///< the table touch() returned last (or null)
  std::string last_prefix_;
  std::vector<uint32_t> ordinals_;
  std::string chunk_;
};

} // namespace m365
