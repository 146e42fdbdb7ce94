// Opening the environment, the commit loop and maintenance. Config records live in
// lmdb_store_config.cpp, reads of sync data in lmdb_store_reads.cpp.
#include "store/lmdb_store.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "messages/clock.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_store_impl.hpp"
#include "store/schema_migration.hpp"

namespace m365 {

namespace {

std::string be32(uint32_t x) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((x >> (8 * (3 - i))) & 0xff);
  return out;
}

uint32_t read_be32(std::string_view in) {
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i) x = (x << 8) | static_cast<uint8_t>(in[i]);
  return x;
}

/// Creates `path` (and parents) when missing; the leaf gets mode 0700 (the store holds mail).
status ensure_directory(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return status::ok();
  std::filesystem::create_directories(path, ec);
  if (ec) return status::io_error("cannot create store directory '" + path + "': " + ec.message());
  if (::chmod(path.c_str(), 0700) != 0)
    return status::io_error("cannot set mode 0700 on store directory '" + path + "'");
  return status::ok();
}

struct named_db {
  const char* name;
  MDB_dbi store_dbis::*member;
};

constexpr named_db all_dbs[] = {
  {db_name::tenants, &store_dbis::tenants},   {db_name::credentials, &store_dbis::credentials},
  {db_name::users, &store_dbis::users},       {db_name::tenant_users, &store_dbis::tenant_users},
  {db_name::rules, &store_dbis::rules},       {db_name::emails, &store_dbis::emails},
  {db_name::events, &store_dbis::events},     {db_name::by_time, &store_dbis::by_time},
  {db_name::dedupe, &store_dbis::dedupe},     {db_name::journal, &store_dbis::journal},
  {db_name::aliases, &store_dbis::aliases},
  {db_name::links, &store_dbis::links},       {db_name::sync_log, &store_dbis::sync_log},
  {db_name::audit, &store_dbis::audit},
};

/// Writes the current schema version into `meta`.
status put_schema_version(MDB_txn* txn, MDB_dbi meta) {
  auto version = be32(lmdb_store::schema_version);
  MDB_val k = lmdb::to_val(meta_key::schema_version);
  MDB_val v = lmdb::to_val(version);
  return lmdb::to_status(mdb_put(txn, meta, &k, &v, 0), "write schema version");
}

/// Checks (or, in a new environment, writes) the schema version, opens every database and
/// migrates an older schema when the store is opened for writing.
status open_databases(MDB_txn* txn, bool create, const std::string& path, store_dbis& dbis) {
  unsigned flags = create ? MDB_CREATE : 0;
  int rc = mdb_dbi_open(txn, db_name::meta, flags, &dbis.meta);
  if (rc == MDB_NOTFOUND)
    return status::not_found("'" + path + "' holds no m365sync store (no meta database)");
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "open database meta");
  MDB_val k = lmdb::to_val(meta_key::schema_version);
  MDB_val v{};
  rc = mdb_get(txn, dbis.meta, &k, &v);
  uint32_t found = lmdb_store::schema_version;
  if (rc == MDB_SUCCESS) {
    if (v.mv_size != 4)
      return status::corrupted("store at '" + path + "': schema version record has " +
                               std::to_string(v.mv_size) + " bytes, expected 4");
    found = read_be32(lmdb::to_view(v));
    bool migratable = found >= oldest_migratable_schema && found < lmdb_store::schema_version;
    if (found != lmdb_store::schema_version && !(migratable && create))
      return status::version_mismatch(
        "store at '" + path + "' has schema version " + std::to_string(found) +
        "; this build reads schema version " + std::to_string(lmdb_store::schema_version) +
        (migratable ? " (stop every m365sync process that uses it, then open it once for "
                      "writing with this build, e.g. `m365sync serve`, to migrate it)"
                    : ""));
  } else if (rc == MDB_NOTFOUND) {
    if (!create)
      return status::not_found("'" + path + "' holds no m365sync store (no schema version)");
    if (auto s = put_schema_version(txn, dbis.meta); !s) return s;
    // The creation time is informational; it is the one value the store takes from the clock.
    auto now = now_ms();
    std::string created;
    keys::append_time(created, now);
    MDB_val ck = lmdb::to_val(meta_key::created_at);
    MDB_val cv = lmdb::to_val(created);
    if (rc = mdb_put(txn, dbis.meta, &ck, &cv, 0); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "write creation time");
  } else {
    return lmdb::to_status(rc, "read schema version");
  }
  for (auto& db : all_dbs) {
    rc = mdb_dbi_open(txn, db.name, flags, &(dbis.*db.member));
    if (rc == MDB_NOTFOUND)
      return status::not_found("store at '" + path + "' lacks database '" + db.name + "'");
    if (rc != MDB_SUCCESS) return lmdb::to_status(rc, std::string("open database ") + db.name);
  }
  if (found == lmdb_store::schema_version) return status::ok();
  if (auto s = migrate_schema(txn, dbis, found); !s) return s;
  return put_schema_version(txn, dbis.meta);
}

} // namespace

// -- impl ---------------------------------------------------------------------------------------

status lmdb_store::impl::sticky_error() const {
  if (!has_sticky.load(std::memory_order_acquire)) return status::ok();
  std::lock_guard<std::mutex> guard(sticky_mutex);
  return sticky;
}

void lmdb_store::impl::set_sticky(const status& s) const {
  std::lock_guard<std::mutex> guard(sticky_mutex);
  if (has_sticky.load(std::memory_order_relaxed)) return;
  sticky = s;
  has_sticky.store(true, std::memory_order_release);
}

status lmdb_store::impl::schema_unchanged(MDB_txn* txn) const {
  MDB_val k = lmdb::to_val(meta_key::schema_version);
  MDB_val v{};
  int rc = mdb_get(txn, dbis.meta, &k, &v);
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "read schema version");
  if (v.mv_size == 4 && read_be32(lmdb::to_view(v)) == lmdb_store::schema_version)
    return status::ok();
  return status::version_mismatch(
    "store at '" + options.path + "' changed schema while this process had it open (now " +
    (v.mv_size == 4 ? std::to_string(read_be32(lmdb::to_view(v))) : std::string("unreadable")) +
    ", this build writes " + std::to_string(lmdb_store::schema_version) +
    "): another build migrated it; nothing more is written by this one");
}

bool lmdb_store::impl::grow_map() {
  std::unique_lock<std::shared_mutex> lock(resize_mutex);
  MDB_envinfo info{};
  if (mdb_env_info(env.get(), &info) != MDB_SUCCESS) return false;
  size_t current = info.me_mapsize;
  if (current >= options.max_map_size) return false;
  size_t next = current > options.max_map_size / 2 ? options.max_map_size : current * 2;
  if (mdb_env_set_mapsize(env.get(), next) != MDB_SUCCESS) return false;
  map_growths.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void lmdb_store::impl::adopt_map_size() {
  std::unique_lock<std::shared_mutex> lock(resize_mutex);
  mdb_env_set_mapsize(env.get(), 0);
}

// -- open / close -------------------------------------------------------------------------------

lmdb_store::lmdb_store(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

lmdb_store::~lmdb_store() = default;

expected<std::unique_ptr<lmdb_store>> lmdb_store::open(const store_options& options) {
  if (options.path.empty()) return status::invalid_argument("store_options::path is empty");
  if (options.initial_map_size == 0 || options.initial_map_size > options.max_map_size)
    return status::invalid_argument("store_options: initial_map_size must be 1..max_map_size");
  if (options.read_only) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.path, ec))
      return status::not_found("no store at '" + options.path + "'");
  } else if (auto s = ensure_directory(options.path); !s) {
    return s;
  }
  auto state = std::make_unique<impl>(options);
  MDB_env* raw = nullptr;
  if (int rc = mdb_env_create(&raw); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "create environment");
  state->env = lmdb::env{raw};
  if (int rc = mdb_env_set_maxdbs(raw, max_named_dbs); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "set max databases");
  if (int rc = mdb_env_set_maxreaders(raw, options.max_readers); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "set max readers");
  if (int rc = mdb_env_set_mapsize(raw, options.initial_map_size); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "set map size");
  // MDB_NOTLS: read transactions are not bound to threads (readers come from any thread,
  // the API server's included, and a slot is not pinned to a thread that exits).
  unsigned flags = MDB_NOTLS;
  if (options.read_only) flags |= MDB_RDONLY;
  if (options.no_sync) flags |= MDB_NOSYNC;
  if (int rc = mdb_env_open(raw, options.path.c_str(), flags, 0600); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "open store at '" + options.path + "'");
  int dead = 0;
  if (int rc = mdb_reader_check(raw, &dead); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "check readers");
  state->stale_readers_cleared = static_cast<uint64_t>(dead);
  // A schema migration may need a bigger map: grow it as a commit would, then run it again.
  for (;;) {
    lmdb::txn txn;
    if (int rc = txn.begin(raw, options.read_only ? MDB_RDONLY : 0); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "begin open transaction");
    auto s = open_databases(txn.get(), !options.read_only, options.path, state->dbis);
    // Committing (even the read-only transaction) makes the database handles shared.
    if (s) s = lmdb::to_status(txn.commit(), "commit open");
    if (s) break;
    txn.abort();
    MDB_envinfo info{};
    mdb_env_info(raw, &info);
    size_t map = info.me_mapsize;
    if (s.code() != status_code::map_full || map >= options.max_map_size) return s;
    map = map > options.max_map_size / 2 ? options.max_map_size : map * 2;
    if (int rc = mdb_env_set_mapsize(raw, map); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "set map size");
  }
  return std::unique_ptr<lmdb_store>(new lmdb_store(std::move(state)));
}

// -- sync data --------------------------------------------------------------------------------

expected<std::vector<commit_ack>> lmdb_store::commit(const write_batch& batch) {
  if (batch.empty()) {
    if (auto s = impl_->sticky_error(); !s) return s;
    return std::vector<commit_ack>{};
  }
  // Validation first: an invalid page rejects the whole batch before any transaction.
  for (auto& entry : batch.entries()) {
    auto s = entry.email != nullptr ? validate_page(*entry.email) : validate_page(*entry.event);
    if (!s) return s;
  }
  std::vector<commit_ack> acks;
  auto s = impl_->write_pages([&](MDB_txn* txn) -> status {
    acks.assign(batch.size(), commit_ack{});
    for (size_t i = 0; i < batch.size(); ++i) {
      auto& entry = batch.entries()[i];
      auto& ack = acks[i];
      ack.batch_pages = batch.size();
      auto st = entry.email != nullptr ? impl_->writer.apply(txn, *entry.email, ack)
                                       : impl_->writer.apply(txn, *entry.event, ack);
      if (!st) return st;
    }
    return status::ok();
  });
  if (!s) return s;
  return acks;
}

status lmdb_store::validate_page(const email_page& page) { return m365::validate_page(page); }

status lmdb_store::validate_page(const event_page& page) { return m365::validate_page(page); }

// -- maintenance ------------------------------------------------------------------------------

status lmdb_store::backup_to(const std::string& directory) const {
  std::error_code ec;
  if (std::filesystem::exists(directory, ec) && !std::filesystem::is_empty(directory, ec))
    return status::already_exists("backup directory '" + directory + "' is not empty");
  if (auto s = ensure_directory(directory); !s) return s;
  // The copy runs in its own read transaction: a consistent snapshot while writes go on
  // (a commit that needs to grow the map waits until the copy is done).
  std::shared_lock<std::shared_mutex> lock(impl_->resize_mutex);
  int rc = mdb_env_copy2(impl_->env.get(), directory.c_str(), MDB_CP_COMPACT);
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "backup to '" + directory + "'");
  return status::ok();
}

expected<int> lmdb_store::check_readers() {
  int dead = 0;
  if (int rc = mdb_reader_check(impl_->env.get(), &dead); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "check readers");
  impl_->stale_readers_cleared.fetch_add(static_cast<uint64_t>(dead));
  return dead;
}

store_stats lmdb_store::stats() const {
  store_stats out;
  out.map_growths = impl_->map_growths.load();
  out.stale_readers_cleared = impl_->stale_readers_cleared.load();
  auto journal = impl_->writer.journal_stats();
  out.dedupe_loaded_entries = journal.loaded_entries;
  out.dedupe_loaded_tables = journal.loaded_tables;
  out.dedupe_journal_loads = journal.loads;
  out.dedupe_journal_compactions = journal.compactions;
  impl_->read([&](MDB_txn* txn) -> status {
    MDB_envinfo info{};
    MDB_stat env_stat{};
    mdb_env_info(impl_->env.get(), &info);
    mdb_env_stat(impl_->env.get(), &env_stat);
    out.map_size = info.me_mapsize;
    out.used_bytes = (info.me_last_pgno + 1) * static_cast<size_t>(env_stat.ms_psize);
    MDB_stat db_stat{};
    if (mdb_stat(txn, impl_->dbis.emails, &db_stat) == MDB_SUCCESS) out.emails = db_stat.ms_entries;
    if (mdb_stat(txn, impl_->dbis.events, &db_stat) == MDB_SUCCESS) out.events = db_stat.ms_entries;
    return status::ok();
  });
  return out;
}

status lmdb_store::health() const { return impl_->sticky_error(); }

} // namespace m365
