// Ownership: the private state of one lmdb_store (see lmdb_store.hpp for the threading rules).
// Shared by the lmdb_store_*.cpp files; not part of the store's API.
//
// Locks: `write_mutex` serialises writers (one write transaction at a time, and the only place
// the map grows). `resize_mutex` is held shared by every transaction of this process and
// exclusively around mdb_env_set_mapsize, which LMDB allows only while the process has no
// transaction open.
#pragma once

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <string>

#include <lmdb.h>

#include "messages/status.hpp"
#include "store/lmdb_env.hpp"
#include "store/lmdb_store.hpp"
#include "store/page_writer.hpp"
#include "store/store_schema.hpp"

namespace m365 {

struct lmdb_store::impl {
  explicit impl(store_options opts)
    : options(std::move(opts)),
      writer(dbis, journal_options(options)) {}

  static dedupe_journal_options journal_options(const store_options& o) noexcept {
    dedupe_journal_options out;
    out.budget_entries = o.dedupe_index_budget;
    out.hash_mask = o.dedupe_hash_mask;
    out.compact_floor = o.dedupe_compact_floor;
    out.evict_used = o.dedupe_evict_used_tables;
    out.fail_after_compaction = o.dedupe_fail_after_compaction;
    return out;
  }

  store_options options;
  lmdb::env env;
  store_dbis dbis;
  mutable std::shared_mutex resize_mutex;
  std::mutex write_mutex;
  mutable std::mutex sticky_mutex;
  mutable status sticky;                         ///< guarded by sticky_mutex
  mutable std::atomic<bool> has_sticky{false};   ///< fast path of sticky_error()
  std::atomic<uint64_t> map_growths{0};
  std::atomic<uint64_t> stale_readers_cleared{0};
  page_writer writer;                            ///< guarded by write_mutex

  /// ok, or the fatal error after which no write is attempted.
  status sticky_error() const;
  /// Records the first fatal error; later ones do not replace it.
  void set_sticky(const status& s) const;
  /// True for statuses that mean the stored data cannot be trusted any more.
  static bool is_fatal_status(const status& s) noexcept {
    return s.code() == status_code::corrupted || s.code() == status_code::version_mismatch;
  }

  /// Version mismatch when another program changed the schema version since this process
  /// opened the store (a newer build migrated it): writing on would mix two layouts.
  status schema_unchanged(MDB_txn* txn) const;

  /// Doubles the map (up to options.max_map_size); false when it cannot grow.
  bool grow_map();
  /// Adopts a map size grown by another process (after MDB_MAP_RESIZED).
  void adopt_map_size();

  /// Runs `body(MDB_txn*) -> status` in a read transaction.
  template <class Body>
  status read(Body&& body) const;

  /// Runs `body(MDB_txn*) -> status` in a write transaction and commits it. On MDB_MAP_FULL
  /// (from any put or from the commit) the transaction is aborted, the map grown and `body`
  /// re-run from the start, so `body` must reset whatever it accumulates.
  template <class Body>
  status write(Body&& body);

  /// write() for bodies that use `writer`: brackets every attempt with writer.begin/finish and
  /// tells the writer whether the transaction committed.
  template <class Body>
  status write_pages(Body&& body);

  /// The admin purge's removals inside a write_pages() transaction (lmdb_store_config.cpp).
  status purge_in(MDB_txn* txn, const std::vector<activity_ref>& items);

private:
  template <class Body>
  status write_locked(Body&& body);
};

template <class Body>
status lmdb_store::impl::read(Body&& body) const {
  for (int attempt = 0;; ++attempt) {
    std::shared_lock<std::shared_mutex> lock(resize_mutex);
    lmdb::txn txn;
    int rc = txn.begin(env.get(), MDB_RDONLY);
    if (rc == MDB_MAP_RESIZED && attempt < 8) {
      lock.unlock();
      const_cast<impl*>(this)->adopt_map_size();
      continue;
    }
    if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "begin read transaction");
    status s = body(txn.get());
    if (is_fatal_status(s)) set_sticky(s);
    return s;
  }
}

template <class Body>
status lmdb_store::impl::write(Body&& body) {
  std::lock_guard<std::mutex> write_lock(write_mutex);
  return write_locked(body);
}

template <class Body>
status lmdb_store::impl::write_pages(Body&& body) {
  std::lock_guard<std::mutex> write_lock(write_mutex);
  auto s = write_locked([&](MDB_txn* txn) -> status {
    writer.begin(txn);
    if (auto st = body(txn); !st) return st;
    return writer.finish();
  });
  if (s) {
    writer.committed();
  } else {
    writer.aborted();
  }
  return s;
}

template <class Body>
status lmdb_store::impl::write_locked(Body&& body) {
  if (auto s = sticky_error(); !s) return s;
  if (options.read_only) return status::permission_denied("the store was opened read-only");
  for (int resized = 0;;) {
    std::shared_lock<std::shared_mutex> lock(resize_mutex);
    lmdb::txn txn;
    int rc = txn.begin(env.get(), 0);
    if (rc == MDB_MAP_RESIZED && ++resized < 8) {
      lock.unlock();
      adopt_map_size();
      continue;
    }
    if (rc != MDB_SUCCESS) {
      auto s = lmdb::to_status(rc, "begin write transaction");
      if (lmdb::is_fatal(rc)) set_sticky(s);
      return s;
    }
    status s = schema_unchanged(txn.get());
    if (s) s = body(txn.get());
    if (s) {
      rc = txn.commit();
      if (rc == MDB_SUCCESS) return status::ok();
      s = lmdb::to_status(rc, "commit");
      if (rc != MDB_MAP_FULL) {
        // A failed commit (I/O error, disk full, panic) leaves the file's state unknown to
        // this process: stop writing rather than build on it.
        set_sticky(s);
        return s;
      }
    }
    txn.abort();
    lock.unlock();
    if (s.code() == status_code::map_full) {
      if (grow_map()) continue;
      return status::map_full("the store's map is full at its maximum of " +
                              std::to_string(options.max_map_size) +
                              " bytes (store_options::max_map_size)");
    }
    if (is_fatal_status(s)) set_sticky(s);
    return s;
  }
}

} // namespace m365
