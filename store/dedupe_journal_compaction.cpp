// Ownership: part of dedupe_journal (see dedupe_journal.hpp); writer thread, inside the write
// transaction of the page whose removals made a user's journal mostly stale.
// The counter record of stale entries and the compaction of one user and kind's journal.
#include <algorithm>

#include "store/byte_reader.hpp"
#include "store/byte_writer.hpp"
#include "store/dedupe_journal.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_env.hpp"

namespace m365 {

namespace {

constexpr uint8_t counter_version = 1;
/// Entries per chunk written by a compaction (a chunk is one LMDB value).
constexpr size_t compacted_chunk_entries = 1024;

} // namespace

status dedupe_journal::update_counter(std::string_view prefix, int64_t delta,
                                      const journal_liveness& live) {
  if (delta == 0) return status::ok();
  // The counter record's key is the bare prefix (it sorts before every chunk of the prefix).
  MDB_val k = lmdb::to_val(prefix);
  MDB_val v{};
  uint64_t stale = 0;
  int rc = mdb_get(txn_, dbis_.journal, &k, &v);
  if (rc == MDB_SUCCESS) {
    byte_reader r(lmdb::to_view(v));
    auto version = r.u8();
    if (r.ok() && version != counter_version)
      return status::version_mismatch("dedupe journal counter of version " +
                                      std::to_string(version));
    stale = r.varint();
    if (!r.done()) return status::corrupted("malformed dedupe journal counter");
  } else if (rc != MDB_NOTFOUND) {
    return lmdb::to_status(rc, "get journal counter");
  }
  // Removals written before the counter existed were not counted: never below 0.
  stale = delta < 0 ? stale - std::min(stale, static_cast<uint64_t>(-delta))
                    : stale + static_cast<uint64_t>(delta);
  if (stale >= std::max<size_t>(options_.compact_floor, 1)) {
    table* t = nullptr;
    if (auto s = touch(prefix, t); !s) return s;
    uint64_t entries = t->committed + t->staged.size();
    if (stale > entries - std::min(stale, entries)) return compact(prefix, live);
  }
  if (stale == 0) {
    rc = mdb_del(txn_, dbis_.journal, &k, nullptr);
    return rc == MDB_NOTFOUND ? status::ok() : lmdb::to_status(rc, "delete journal counter");
  }
  chunk_.clear();
  byte_writer w(chunk_);
  w.u8(counter_version);
  w.varint(stale);
  v = lmdb::to_val(chunk_);
  return lmdb::to_status(mdb_put(txn_, dbis_.journal, &k, &v, 0), "put journal counter");
}

status dedupe_journal::read_all(std::string_view prefix, std::vector<journal_entry>& out,
                                std::vector<std::string>& chunk_keys) {
  return for_each_chunk(prefix, [&](std::string_view key, uint64_t,
                                    const journal_chunk_view& chunk) -> status {
    for (size_t i = 0; i < chunk.size(); ++i)
      out.push_back({chunk.hash(i), std::string(chunk.owner(i))});
    chunk_keys.emplace_back(key);
    return status::ok();
  });
}

status dedupe_journal::compact(std::string_view prefix, const journal_liveness& live) {
  // touch() checked the table in this transaction: next_seq follows the last chunk on disk.
  auto it = tables_.find(std::string(prefix));
  if (it == tables_.end()) return status::internal("dedupe journal compacts an unloaded table");
  uint64_t seq = it->second->next_seq;
  std::vector<journal_entry> entries;
  std::vector<std::string> chunk_keys;
  if (auto s = read_all(prefix, entries, chunk_keys); !s) return s;
  for (auto& e : it->second->staged) entries.push_back(std::move(e));
  it->second->staged.clear();
  std::vector<journal_entry> kept;
  for (auto& e : entries) {
    bool keep = false;
    if (auto s = live(prefix, e, keep); !s) return s;
    if (keep) kept.push_back(std::move(e));
  }
  for (auto& key : chunk_keys) {
    MDB_val k = lmdb::to_val(key);
    if (int rc = mdb_del(txn_, dbis_.journal, &k, nullptr); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "delete journal chunk");
  }
  MDB_val counter = lmdb::to_val(prefix);
  if (int rc = mdb_del(txn_, dbis_.journal, &counter, nullptr);
      rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
    return lmdb::to_status(rc, "delete journal counter");
  // At least one chunk, even an empty one: a process whose table predates this compaction
  // must find a chunk at or after its next sequence number (and sequence numbers must not
  // restart from 0 at the next load).
  size_t at = 0;
  std::vector<journal_entry> part;
  do {
    size_t end = std::min(kept.size(), at + compacted_chunk_entries);
    part.assign(std::make_move_iterator(kept.begin() + at),
                std::make_move_iterator(kept.begin() + end));
    at = end;
    chunk_.clear();
    encode_journal_chunk(part, chunk_);
    auto key = keys::journal_key(prefix, seq++);
    MDB_val k = lmdb::to_val(key);
    MDB_val v = lmdb::to_val(chunk_);
    if (int rc = mdb_put(txn_, dbis_.journal, &k, &v, MDB_NOOVERWRITE); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "put compacted journal chunk");
  } while (at < kept.size());
  // The table now mirrors this transaction's journal: aborted() drops it.
  drop(it);
  compacted_.emplace_back(prefix);
  ++compactions_pending_;
  table* t = nullptr;
  return touch(prefix, t);
}

} // namespace m365
