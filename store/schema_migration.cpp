// Schema upgrades at open; see schema_migration.hpp.
#include "store/schema_migration.hpp"

#include <string>
#include <vector>

#include "store/journal_chunk.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_env.hpp"
#include "store/record_codec.hpp"

namespace m365 {

namespace {

/// Entries per journal chunk written by the migration (a chunk is one LMDB value).
constexpr size_t migration_chunk_entries = 1024;

/// Appends the journal chunks of one user and kind, numbered from 0 (the journal is new).
class journal_appender {
public:
  journal_appender(MDB_txn* txn, MDB_dbi journal) : txn_(txn), journal_(journal) {}

  status add(std::string_view prefix, uint64_t hash, std::string owner) {
    if (prefix != prefix_) {
      if (auto s = flush(); !s) return s;
      prefix_.assign(prefix);
      seq_ = 0;
    }
    entries_.push_back({hash, std::move(owner)});
    return entries_.size() == migration_chunk_entries ? flush() : status::ok();
  }

  status flush() {
    if (entries_.empty()) return status::ok();
    value_.clear();
    encode_journal_chunk(entries_, value_);
    entries_.clear();
    auto key = keys::journal_key(prefix_, seq_++);
    MDB_val k = lmdb::to_val(key);
    MDB_val v = lmdb::to_val(value_);
    return lmdb::to_status(mdb_put(txn_, journal_, &k, &v, MDB_NOOVERWRITE), "put journal chunk");
  }

private:
  MDB_txn* txn_;
  MDB_dbi journal_;
  std::string prefix_;
  uint64_t seq_ = 0;
  std::vector<journal_entry> entries_;
  std::string value_;
};

status migrate_v1_to_v2(MDB_txn* txn, const store_dbis& dbis) {
  journal_appender journal(txn, dbis.journal);
  lmdb::cursor c;
  if (int rc = c.open(txn, dbis.dedupe); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "open cursor");
  MDB_val k, v;
  int rc = c.seek({}, k, v);
  while (rc == MDB_SUCCESS) {
    // Copied before any write: LMDB values are only valid until the next write.
    std::string key(lmdb::to_view(k));
    dedupe_entry entry;
    if (auto s = decode_record(lmdb::to_view(v), entry); !s) return s;
    std::string_view prefix;
    uint64_t hash = 0;
    if (!keys::parse_dedupe_key(key, prefix, hash))
      return status::corrupted("malformed dedupe key in a schema 1 store");
    bool single = entry.sources.size() < 2;
    if (single)
      if (int del = mdb_cursor_del(c.get(), 0); del != MDB_SUCCESS)
        return lmdb::to_status(del, "delete dedupe");
    if (auto s = journal.add(prefix, hash, std::move(entry.owner)); !s) return s;
    // Writes may move the cursor: find the next key again.
    rc = c.seek(key, k, v);
    if (rc == MDB_SUCCESS && !single && lmdb::to_view(k) == key) rc = c.next(k, v);
  }
  if (rc != MDB_NOTFOUND) return lmdb::to_status(rc, "scan dedupe");
  return journal.flush();
}

} // namespace

status migrate_schema(MDB_txn* txn, const store_dbis& dbis, uint32_t from_version) {
  if (from_version == 1)
    if (auto s = migrate_v1_to_v2(txn, dbis); !s) return s;
  return status::ok();
}

} // namespace m365
