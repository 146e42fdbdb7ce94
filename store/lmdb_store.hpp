// Ownership: one lmdb_store per process owns the LMDB environment under <data_dir>/store.
// Threading: write calls (commit, put_*, delete_*, append_*) come from ONE thread at a time
// (the persistence actor's detached thread; a mutex serialises them anyway); read calls and
// backup_to may come from any thread concurrently (the environment is opened with MDB_NOTLS,
// each read is its own read transaction). Map growth waits until no read is in flight.
// Never open the same environment twice in one process (LMDB's locks are per process).
// CAF-free: every call returns status / expected<T>; nothing throws.
//
// Layout (named databases; every tenant-owned key starts with the length-prefixed tenant id, so a
// tenant scan is a prefix scan that can never reach another tenant's keys, see key_codec.hpp):
//   meta         schema version (4 bytes big-endian), created-at
//   tenants      tenant -> tenant_settings            credentials  tenant -> sealed blob
//   users        user -> user_assignment              tenant_users tenant|user -> "" (index)
//   rules        rule id -> rule
//   emails       tenant|user|graph_id -> email record (+ generation, folder)
//   events       tenant|user|graph_id -> event record
//   by_time      tenant|user|kind|be64(time)|graph_id -> ""   (reads of one user by time)
//                tenant|""|kind|be64(time)|user|graph_id -> "" (reads of a whole tenant)
//   dedupe_journal user|kind|be64(seq) -> chunk of (hash of the dedupe digest, owner record key),
//                one per user, kind and write transaction (dedupe_journal.hpp)
//                user|kind -> u8 version | varint stale: entries of removed records since the
//                last compaction of that user and kind (absent = 0; sorts before its chunks)
//   dedupe       user|kind|sha256(internetMessageId or iCalUId)[0..16) -> owner + every source,
//                only for items with two sources or more
//   aliases      tenant|user|kind|graph_id -> a source folded into another record by dedupe
//   links        tenant|user|folder -> delta_link
//   sync_log     tenant|be64(at)|user|folder|hash -> sync_log_line   (deterministic key)
//   audit        be64(at)|seq -> audit record
// Values are versioned binary records (record_codec.hpp).
//
// Dedupe (per user): the first source of an internetMessageId (emails) or iCalUId (single
// events and series masters; occurrences and exceptions are keyed by their own Graph id) owns
// the record and is listed in the dedupe journal, where later sources find it; later sources
// (another tenant during a migration, another folder) are remembered as aliases and counted in
// commit_ack::duplicates. Removing the owner's source moves the record to the next source;
// removing the last source removes the record. get_email/get_event of an alias source return
// the record that holds the item.
// A removal (or sweep) only touches a source whose stored folder is the page's folder: a
// message moved to another folder is not lost when the old folder reports it removed.
//
// Failure model (as LevelDB's bg_error_): a fatal error (MDB_PANIC, MDB_CORRUPTED, a record that
// does not decode, I/O failure during commit) is sticky: every later write returns it.
// MDB_MAP_FULL aborts the transaction, grows the map (doubling, up to max_map_size) and retries.
// A map grown by another process (MDB_MAP_RESIZED) is adopted and the transaction retried.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/expected.hpp"
#include "messages/pages.hpp"
#include "messages/rule.hpp"
#include "messages/rule_admin.hpp"
#include "messages/status.hpp"
#include "messages/sync_state.hpp"
#include "messages/tenant.hpp"

namespace m365 {

struct store_options {
  /// Directory of the environment; created (mode 0700) when missing. Required.
  std::string path;
  /// Map size at open. Default: 64 MiB. Grows automatically on MDB_MAP_FULL.
  size_t initial_map_size = size_t{64} << 20;
  /// Upper bound for automatic growth. Default: 1 TiB.
  size_t max_map_size = size_t{1} << 40;
  /// Default: 126 (LMDB's default).
  unsigned max_readers = 126;
  /// Open without a writer (export, backup of a running server). Default: false.
  bool read_only = false;
  /// MDB_NOSYNC: faster, loses the last commits on power loss (never on process crash).
  /// Default: false. Benchmarks report which setting they used.
  bool no_sync = false;
  /// Dedupe journal entries kept in memory between transactions (about 17-34 bytes each); the
  /// least recently used users' tables are dropped beyond it and reloaded when next needed.
  /// Default: 4 million.
  size_t dedupe_index_budget = 4'000'000;
  /// Testing only: ANDed into the dedupe journal's 64-bit hashes (0 = every id collides, which
  /// must change nothing but speed). Default: all ones.
  uint64_t dedupe_hash_mask = ~uint64_t{0};
  /// A user's dedupe journal (per kind) is compacted in the write transaction that finds at
  /// least this many stale entries (of removed records) and more stale than live ones.
  /// Default: 1024.
  size_t dedupe_compact_floor = 1024;
  /// Testing only: dedupe_index_budget may evict the tables the last transaction used (in
  /// production they stay, so a user whose table alone exceeds the budget does not reload it
  /// in every transaction). Default: false.
  bool dedupe_evict_used_tables = false;
  /// Testing only: a write transaction that compacts a dedupe journal fails (status internal)
  /// after the compaction, as a crash or a full map would abort it. Default: false.
  bool dedupe_fail_after_compaction = false;
};

/// A group of pages committed in one transaction, applied in insertion order. Pages of the
/// same folder must be added in the order they were fetched. Holds pointers: the pages must
/// outlive the commit call.
class write_batch {
public:
  void add(const email_page& page) { entries_.push_back({&page, nullptr}); }
  void add(const event_page& page) { entries_.push_back({nullptr, &page}); }
  size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  void clear() noexcept { entries_.clear(); }

  struct entry {
    const email_page* email = nullptr;
    const event_page* event = nullptr;
  };
  const std::vector<entry>& entries() const noexcept { return entries_; }

private:
  std::vector<entry> entries_;
};

/// A page of reads: items plus an opaque cursor for the next call (empty when done).
template <class T>
struct read_page {
  std::vector<T> items;
  std::string next_cursor;
};

/// Filter for reading activities of one tenant (and optionally one user) by time.
struct activity_query {
  tenant_id tenant;                  ///< required
  user_id user;                      ///< empty = every user of the tenant
  timestamp_ms since = 0;            ///< inclusive (received_at for emails, start for events)
  timestamp_ms until = INT64_MAX;    ///< exclusive
  size_t limit = 100;                ///< items per page; must be positive
  std::string cursor;                ///< from a previous read_page of the same query
};

struct store_stats {
  size_t map_size = 0;
  size_t used_bytes = 0;
  uint64_t emails = 0;
  uint64_t events = 0;
  uint64_t map_growths = 0;          ///< how often MDB_MAP_FULL grew the map since open
  uint64_t stale_readers_cleared = 0;
  size_t dedupe_loaded_entries = 0;  ///< dedupe journal entries in memory (after the last write)
  size_t dedupe_loaded_tables = 0;   ///< users x kinds loaded
  uint64_t dedupe_journal_loads = 0;        ///< prefix scans that loaded a table, since open
  uint64_t dedupe_journal_compactions = 0;  ///< committed compactions, since open
};

class lmdb_store {
public:
  /// Current schema version written into `meta` on creation and checked at every open.
  /// Version 1 (no dedupe journal, a dedupe entry per item) is migrated at a read-write open.
  static constexpr uint32_t schema_version = 2;

  /// Opens (creating when missing) the environment, checks the schema version, clears stale
  /// reader slots (mdb_reader_check) and creates the named databases.
  static expected<std::unique_ptr<lmdb_store>> open(const store_options& options);

  ~lmdb_store();
  lmdb_store(const lmdb_store&) = delete;
  lmdb_store& operator=(const lmdb_store&) = delete;

  // -- sync data (writer thread) ---------------------------------------------------------------

  /// Applies every page of the batch in ONE transaction: upserts (keyed by tenant+user+graph_id,
  /// deduplicated per user by internetMessageId / iCalUId), removals, the folder's new link and
  /// a sync-log line. Re-applying a page leaves the store byte-identical (the store never reads
  /// the clock: times come from the page). When a page is the final page of a resync
  /// (link.phase == resync && final_page), records of that folder with an older generation are
  /// swept in the same transaction. On success, one ack per page in batch order.
  expected<std::vector<commit_ack>> commit(const write_batch& batch);

  /// The checks commit() applies to every page before writing (valid tenant and user ids, a
  /// folder, non-empty Graph ids that fit a key, items of the page's own tenant and user).
  /// Lets a group committer refuse one bad page without failing the pages it shares a batch
  /// with. Pure: touches no store.
  static status validate_page(const email_page& page);
  static status validate_page(const event_page& page);

  // -- configuration records (writer thread) ----------------------------------------------------

  status put_tenant(const tenant_settings& tenant);
  /// The settings and the sealed credential; synced data and links stay.
  status delete_tenant(const tenant_id& tenant);
  status put_sealed_credential(const tenant_id& tenant, const std::string& sealed);
  status put_user(const user_assignment& user);
  status delete_user(const user_id& user);
  status put_rule(const rule& r);
  status delete_rule(const std::string& rule_id);
  /// A change of the rule set in ONE transaction: the `purge` items removed as purge() removes
  /// them, the `put` rules written (replacing stored rules of the same id), the `remove` ids
  /// deleted, and one audit record (at, actor, action, details). A removed id that is not
  /// stored (not_found) or a purged item that is not (not_found) fails the whole change and
  /// nothing is written. The rule evaluator's writes (through the persistence actor) and the
  /// CLI's purge use it, so a rule is never stored without its audit record, nor purged items
  /// without the rule that excludes them.
  status change_rules(const rule_change& change);
  /// Key derived from tenant, time, user and content: appending the same line twice keeps one.
  status append_sync_log(const sync_log_line& line);
  /// Appends an audit record (who, what, details as JSON text) at time `at`.
  status append_audit(timestamp_ms at, const std::string& actor, const std::string& action,
                      const std::string& details);

  /// Admin purge (design.md section 3): removes every listed item exactly as Graph `@removed`
  /// of its sources would (record, time index, dedupe entry, aliases). A ref to a record removes
  /// the item with every dedupe source of it (the other tenant's or folder's copy would
  /// otherwise be promoted and the item stay stored); a ref to an alias source removes only that
  /// alias. Appends one audit record (action "purge"), all in ONE transaction. A ref with an
  /// invalid id, or naming no stored record or alias, fails the whole purge (invalid_argument /
  /// not_found) and nothing is written. Writer-thread call; LMDB serialises writers across
  /// processes, so an admin CLI may run it beside a serving process.
  status purge(const std::vector<activity_ref>& items, timestamp_ms at, const std::string& actor,
               const std::string& details);

  // -- reads (any thread) -----------------------------------------------------------------------

  expected<tenant_settings> get_tenant(const tenant_id& tenant) const;
  expected<std::vector<tenant_settings>> list_tenants() const;
  expected<std::string> get_sealed_credential(const tenant_id& tenant) const;
  expected<user_assignment> get_user(const user_id& user) const;
  /// Every user assigned to `tenant`; every user when `tenant` is empty.
  expected<std::vector<user_assignment>> list_users(const tenant_id& tenant) const;
  expected<std::vector<rule>> list_rules() const;
  /// The stored cursor of one folder ("calendar" for the calendar); not_found when none.
  expected<delta_link> get_link(const tenant_id& tenant, const user_id& user,
                                const std::string& folder) const;
  expected<std::vector<delta_link>> list_links(const tenant_id& tenant) const;
  expected<email> get_email(const tenant_id& tenant, const user_id& user,
                            const std::string& graph_id) const;
  expected<event> get_event(const tenant_id& tenant, const user_id& user,
                            const std::string& graph_id) const;
  /// Emails by received time, oldest first, within one tenant (and user when set).
  expected<read_page<email>> read_emails(const activity_query& query) const;
  /// Events by start time, oldest first.
  expected<read_page<event>> read_events(const activity_query& query) const;
  /// Sync log of one tenant, newest first, optionally of one user and from `since`
  /// (inclusive); `limit` 0 = no limit.
  expected<std::vector<sync_log_line>> read_sync_log(const tenant_id& tenant,
                                                     const user_id& user, timestamp_ms since,
                                                     size_t limit) const;
  /// Calls `visit` for every stored email of `tenant` (every tenant when empty) in key order;
  /// stops early when it returns false. One read transaction for the whole scan; `visit` must
  /// not call back into the store.
  status scan_emails(const tenant_id& tenant, const std::function<bool(const email&)>& visit) const;
  status scan_events(const tenant_id& tenant, const std::function<bool(const event&)>& visit) const;

  // -- maintenance ------------------------------------------------------------------------------

  /// Online compacting copy (mdb_env_copy2 with MDB_CP_COMPACT) into `directory`, which must be
  /// empty or missing. Safe while writes go on.
  status backup_to(const std::string& directory) const;
  /// Clears reader slots of dead processes; call periodically. Returns how many were cleared.
  expected<int> check_readers();
  store_stats stats() const;
  /// ok, or the sticky fatal error after which every write fails.
  status health() const;

private:
  struct impl;
  explicit lmdb_store(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

} // namespace m365
