// Test-only helpers; see store_fixture.hpp.
#include "tests/store/store_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <lmdb.h>

#include "store/journal_chunk.hpp"
#include "store/key_codec.hpp"

namespace m365::test {

namespace {

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
}

std::vector<std::pair<std::string, std::string>> dump_db(MDB_txn* txn, MDB_dbi dbi) {
  std::vector<std::pair<std::string, std::string>> out;
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn, dbi, &cursor), "cursor");
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT))
    out.emplace_back(std::string(static_cast<char*>(k.mv_data), k.mv_size),
                     std::string(static_cast<char*>(v.mv_data), v.mv_size));
  mdb_cursor_close(cursor);
  return out;
}

} // namespace

env_dump dump_environment(const std::string& path) {
  MDB_env* env = nullptr;
  check(mdb_env_create(&env), "env create");
  mdb_env_set_maxdbs(env, 64);
  int rc = mdb_env_open(env, path.c_str(), MDB_RDONLY | MDB_NOTLS, 0600);
  if (rc != MDB_SUCCESS) {
    mdb_env_close(env);
    check(rc, "env open");
  }
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), "txn");
  env_dump out;
  MDB_dbi main = 0;
  check(mdb_dbi_open(txn, nullptr, 0, &main), "main db");
  for (auto& [name, ignored] : dump_db(txn, main)) {
    MDB_dbi dbi = 0;
    check(mdb_dbi_open(txn, name.c_str(), 0, &dbi), "named db");
    out[name] = dump_db(txn, dbi);
  }
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return out;
}

std::vector<std::pair<uint64_t, std::string>> journal_entries(const env_dump& dump) {
  std::vector<std::pair<uint64_t, std::string>> out;
  auto it = dump.find("dedupe_journal");
  if (it == dump.end()) return out;
  for (auto& [key, value] : it->second) {
    if (keys::is_journal_counter_key(key)) continue;
    journal_chunk_view chunk;
    if (!chunk.parse(value)) throw std::runtime_error("malformed journal chunk");
    for (size_t i = 0; i < chunk.size(); ++i)
      out.emplace_back(chunk.hash(i), std::string(chunk.owner(i)));
  }
  return out;
}

void raw_put(const std::string& path, const std::string& db, const std::string& key,
             const std::string& value) {
  MDB_env* env = nullptr;
  check(mdb_env_create(&env), "env create");
  mdb_env_set_maxdbs(env, 64);
  int rc = mdb_env_open(env, path.c_str(), MDB_NOTLS, 0600);
  MDB_txn* txn = nullptr;
  if (rc == MDB_SUCCESS) rc = mdb_txn_begin(env, nullptr, 0, &txn);
  MDB_dbi dbi = 0;
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, db.c_str(), 0, &dbi);
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  if (rc == MDB_SUCCESS) rc = mdb_put(txn, dbi, &k, &v, 0);
  if (rc == MDB_SUCCESS) {
    rc = mdb_txn_commit(txn);
  } else if (txn != nullptr) {
    mdb_txn_abort(txn);
  }
  mdb_env_close(env);
  check(rc, "raw put");
}

} // namespace m365::test
