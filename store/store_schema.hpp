// Ownership: plain handles, opened once by lmdb_store::open and read-only afterwards, so any
// thread may use them. The named databases of the environment (layout in lmdb_store.hpp).
#pragma once

#include <cstdint>

#include <lmdb.h>

namespace m365 {

/// Handles of every named database. DBI handles stay valid for the life of the environment.
struct store_dbis {
  MDB_dbi meta = 0;
  MDB_dbi tenants = 0;
  MDB_dbi credentials = 0;
  MDB_dbi users = 0;
  MDB_dbi tenant_users = 0;
  MDB_dbi rules = 0;
  MDB_dbi emails = 0;
  MDB_dbi events = 0;
  MDB_dbi by_time = 0;
  MDB_dbi dedupe = 0;
  MDB_dbi journal = 0;
  MDB_dbi aliases = 0;
  MDB_dbi links = 0;
  MDB_dbi sync_log = 0;
  MDB_dbi audit = 0;
};

/// Names in the environment's main database; never rename one (existing stores use them).
namespace db_name {
constexpr const char* meta = "meta";
constexpr const char* tenants = "tenants";
constexpr const char* credentials = "credentials";
constexpr const char* users = "users";
constexpr const char* tenant_users = "tenant_users";
constexpr const char* rules = "rules";
constexpr const char* emails = "emails";
constexpr const char* events = "events";
constexpr const char* by_time = "by_time";
constexpr const char* dedupe = "dedupe";
constexpr const char* journal = "dedupe_journal";  ///< since schema version 2
constexpr const char* aliases = "aliases";
constexpr const char* links = "links";
constexpr const char* sync_log = "sync_log";
constexpr const char* audit = "audit";
} // namespace db_name

/// Keys of the meta database.
namespace meta_key {
constexpr const char* schema_version = "schema_version";  ///< 4 bytes, big-endian
constexpr const char* created_at = "created_at";          ///< 8 bytes, big-endian ms
} // namespace meta_key

/// Named databases in this schema version (mdb_env_set_maxdbs leaves room for more).
constexpr unsigned max_named_dbs = 32;

} // namespace m365
