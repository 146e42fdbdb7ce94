// Ownership: owned by lmdb_store and used only under its write lock (one writer thread).
// Applies delta pages inside one LMDB write transaction: upserts with dedupe, removals,
// generation sweeps, the time index, the folder's link and the page's sync-log line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <lmdb.h>

#include "messages/pages.hpp"
#include "messages/status.hpp"
#include "store/dedupe_journal.hpp"
#include "store/record_codec.hpp"
#include "store/store_schema.hpp"

namespace m365 {

/// Checks a page before anything is written: valid tenant and user ids, a folder, non-empty
/// Graph ids that fit a key, items that belong to the page's tenant and user.
status validate_page(const email_page& page);
status validate_page(const event_page& page);

/// The deterministic sync-log key digest of a page (content-derived, never the clock).
uint64_t page_digest(const email_page& page);
uint64_t page_digest(const event_page& page);

/// Writes pages into a caller-owned write transaction. Keeps scratch buffers between pages so
/// the hot path does not allocate per item.
///
/// Dedupe model (per user, key internetMessageId / iCalUId of single events and series
/// masters): the first source that delivers an item owns the record (stored under its own
/// tenant|user|graph_id) and is listed in the dedupe journal (dedupe_journal.hpp). A later source
/// whose id the journal leads to a live record with the same id becomes an alias; the dedupe
/// database then holds the item's group (owner + every source), which exists only while an item
/// has two sources or more. Removing the owner's source promotes the next source (the record
/// moves to that source's key and tenant, and the journal lists it); removing the last source
/// removes the record. A removal or sweep only touches a source whose stored folder is the
/// page's folder, so a message moved between folders is not lost when the old folder reports
/// it removed.
///
/// Transactions: begin() before the first write of a transaction, finish() after the last one
/// (it writes the buffered time-index keys and the journal), then committed() or aborted()
/// once the transaction's fate is known.
class page_writer {
public:
  page_writer(const store_dbis& dbis, const dedupe_journal_options& journal) noexcept
    : dbis_(dbis), journal_(dbis, journal) {}

  void begin(MDB_txn* txn);
  /// Writes what the transaction staged in the dedupe journal; call before committing.
  status finish();
  void committed() { journal_.committed(); }
  void aborted() { journal_.aborted(); }
  dedupe_journal_stats journal_stats() const noexcept { return journal_.stats(); }

  /// Applies one (validated) page; adds its counts to `ack`. A non-ok status leaves the
  /// transaction in an unknown state: the caller aborts it.
  status apply(MDB_txn* txn, const email_page& page, commit_ack& ack);
  status apply(MDB_txn* txn, const event_page& page, commit_ack& ack);

  /// Admin purge of one stored item: removes the source exactly as a Graph `@removed` of it
  /// would (record, time index, dedupe entry, alias), whatever its folder; when that promotes
  /// another source of the same item to owner, removes that one too, until the item is gone.
  /// A ref to an alias removes only that alias. `removed` is false when no record or alias of
  /// that source exists.
  status remove(MDB_txn* txn, std::string_view tenant, std::string_view user,
                std::string_view graph_id, bool is_event, bool& removed);

private:
  template <class Page> status apply_page(MDB_txn* txn, const Page& page, commit_ack& ack);
  template <class Item> status upsert(const delta_link& link, const Item& item, commit_ack& ack);
  template <class Item>
  status remove_source(std::string_view tenant, std::string_view user, std::string_view graph_id,
                       std::string_view folder, bool& removed,
                       std::string* promoted_key = nullptr);
  template <class Item>
  status sweep(const delta_link& link, uint64_t& swept);
  template <class Item>
  status insert_new(const delta_link& link, const Item& item, std::string_view dedupe_id,
                    commit_ack& ack);
  /// For the new source key_ of `dedupe_id` (dedupe_key_ is its dedupe key): owner_ = the key
  /// of the live record the journal leads to; when there is none, owner_ is empty and key_ is
  /// listed in the journal (unless it is already: a source removed and delivered again).
  template <class Item> status find_owner_or_list(std::string_view dedupe_id);
  /// Lists `key` in the journal under dedupe_key_ unless it is listed already.
  status list_in_journal(std::string_view key);
  /// Stores the group `entry` under dedupe_key_, or deletes it when fewer than two sources are
  /// left.
  status put_group(const dedupe_entry& entry);
  /// Whether a journal entry of `prefix` still names its owner (for compaction): the owner
  /// record exists and its dedupe id hashes to the entry's hash.
  status entry_is_live(std::string_view prefix, const journal_entry& entry, bool& live);
  /// `user|kind` of dedupe_key_: the journal prefix.
  std::string_view journal_prefix() const noexcept;
  /// Folds the source key_ into the item held by owner_ (under dedupe_key_): group + alias.
  template <class Item>
  status join_group(const delta_link& link, const Item& item, std::string_view dedupe_id,
                    commit_ack& ack);
  template <class Item>
  status write_record(std::string_view key, const delta_link& link, const Item& item,
                      std::string_view dedupe_id);
  /// Buffers the two time-index keys of an item (written by flush_time_keys).
  status put_time_keys(uint8_t kind, std::string_view tenant, std::string_view user,
                       int64_t time, std::string_view graph_id);
  /// Writes the buffered time-index keys, in key order.
  status flush_time_keys();
  status del_time_keys(uint8_t kind, std::string_view tenant, std::string_view user,
                       int64_t time, std::string_view graph_id);
  template <class Page> status put_link_and_log(const Page& page);

  // -- raw operations: every LMDB code goes through here ----------------------------------------
  /// MDB_SUCCESS or MDB_NOTFOUND leave status ok; `found` says which.
  status get(MDB_dbi dbi, std::string_view key, std::string_view& value, bool& found,
             const char* what);
  status put(MDB_dbi dbi, std::string_view key, std::string_view value, const char* what);
  /// MDB_NOOVERWRITE put: MDB_SUCCESS, or MDB_KEYEXIST with the stored value in `existing`
  /// (valid until the next write), or another LMDB code.
  int put_if_absent(MDB_dbi dbi, std::string_view key, std::string_view value,
                    std::string_view& existing);
  /// Deleting a missing key is fine.
  status del(MDB_dbi dbi, std::string_view key, const char* what);

  const store_dbis& dbis_;
  dedupe_journal journal_;
  MDB_txn* txn_ = nullptr;
  std::vector<journal_entry> candidates_;
  std::string owner_;
  std::string key_;
  std::string value_;
  std::string record_;
  std::string dedupe_key_;
  std::string alias_key_;
  std::string time_key_;
  std::string live_key_;
  /// Time-index keys put_time_keys() buffered for flush_time_keys(): the first pending_count_
  /// strings (the vector keeps its strings' buffers between transactions).
  std::vector<std::string> pending_time_keys_;
  size_t pending_count_ = 0;
};

} // namespace m365
