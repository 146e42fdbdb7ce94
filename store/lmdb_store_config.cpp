// Configuration records: tenants, sealed credentials, user assignments, rules, free-standing
// sync-log lines, the audit log and the admin purge. Small, rare writes; each is its own
// transaction.
#include <utility>

#include "messages/ids.hpp"
#include "store/digest.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "store/lmdb_store_impl.hpp"
#include "store/record_codec.hpp"

namespace m365 {

namespace {

status put_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
                 const char* what) {
  MDB_val k = lmdb::to_val(key);
  MDB_val v = lmdb::to_val(value);
  return lmdb::to_status(mdb_put(txn, dbi, &k, &v, 0), what);
}

/// Deletes `key`; `found` tells whether it existed.
status del_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key, bool& found, const char* what) {
  MDB_val k = lmdb::to_val(key);
  int rc = mdb_del(txn, dbi, &k, nullptr);
  found = rc == MDB_SUCCESS;
  return rc == MDB_NOTFOUND ? status::ok() : lmdb::to_status(rc, what);
}

/// Reads `key`; not_found (with `missing` as message) when absent.
status get_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view& out,
                 const std::string& missing) {
  MDB_val k = lmdb::to_val(key);
  MDB_val v{};
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return status::not_found(missing);
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "get");
  out = lmdb::to_view(v);
  return status::ok();
}

status check_tenant(const tenant_id& tenant) {
  if (!is_valid_tenant_id(tenant))
    return status::invalid_argument("invalid tenant id '" + tenant +
                                    "' (1..63 chars of a-z, 0-9, '-')");
  return status::ok();
}

status check_user(const user_id& user) {
  if (!is_valid_user_id(user))
    return status::invalid_argument("invalid user id '" + user +
                                    "' (1..128 printable ASCII chars, no '/' or space)");
  return status::ok();
}

/// Decodes every value of `dbi` under `prefix` (all when empty) into `out`.
template <class T>
status decode_all(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, std::vector<T>& out) {
  lmdb::cursor c;
  if (int rc = c.open(txn, dbi); rc != MDB_SUCCESS) return lmdb::to_status(rc, "open cursor");
  MDB_val k, v;
  for (int rc = c.seek(prefix, k, v); rc == MDB_SUCCESS; rc = c.next(k, v)) {
    if (!lmdb::has_prefix(lmdb::to_view(k), prefix)) break;
    T value;
    if (auto s = decode_record(lmdb::to_view(v), value); !s) return s;
    out.push_back(std::move(value));
  }
  return status::ok();
}

} // namespace

// -- writes -----------------------------------------------------------------------------------

status lmdb_store::put_tenant(const tenant_settings& tenant) {
  if (auto s = check_tenant(tenant.id); !s) return s;
  std::string value;
  encode_record(tenant, value);
  return impl_->write([&](MDB_txn* txn) {
    return put_value(txn, impl_->dbis.tenants, keys::tenant_key(tenant.id), value, "put tenant");
  });
}

status lmdb_store::delete_tenant(const tenant_id& tenant) {
  if (auto s = check_tenant(tenant); !s) return s;
  return impl_->write([&](MDB_txn* txn) -> status {
    bool found = false;
    auto key = keys::tenant_key(tenant);
    if (auto s = del_value(txn, impl_->dbis.tenants, key, found, "delete tenant"); !s) return s;
    if (!found) return status::not_found("tenant '" + tenant + "' does not exist");
    // A removed tenant keeps its synced data but not its secret.
    bool had_credential = false;
    return del_value(txn, impl_->dbis.credentials, key, had_credential, "delete credential");
  });
}

status lmdb_store::put_sealed_credential(const tenant_id& tenant, const std::string& sealed) {
  if (auto s = check_tenant(tenant); !s) return s;
  std::string value;
  encode_credential(sealed, value);
  return impl_->write([&](MDB_txn* txn) {
    return put_value(txn, impl_->dbis.credentials, keys::tenant_key(tenant), value,
                     "put credential");
  });
}

status lmdb_store::put_user(const user_assignment& user) {
  if (auto s = check_user(user.user); !s) return s;
  if (auto s = check_tenant(user.tenant); !s) return s;
  if (!user.moving_from.empty())
    if (auto s = check_tenant(user.moving_from); !s) return s;
  std::string value;
  encode_record(user, value);
  return impl_->write([&](MDB_txn* txn) -> status {
    auto key = keys::user_key(user.user);
    std::string_view stored;
    auto s = get_value(txn, impl_->dbis.users, key, stored, {});
    if (s) {
      user_assignment old;
      if (auto d = decode_record(stored, old); !d) return d;
      if (old.tenant != user.tenant) {
        bool found = false;
        if (auto d = del_value(txn, impl_->dbis.tenant_users,
                               keys::tenant_user_key(old.tenant, user.user), found,
                               "delete tenant user");
            !d)
          return d;
      }
    } else if (s.code() != status_code::not_found) {
      return s;
    }
    if (auto p = put_value(txn, impl_->dbis.users, key, value, "put user"); !p) return p;
    return put_value(txn, impl_->dbis.tenant_users, keys::tenant_user_key(user.tenant, user.user),
                     {}, "put tenant user");
  });
}

status lmdb_store::delete_user(const user_id& user) {
  if (auto s = check_user(user); !s) return s;
  return impl_->write([&](MDB_txn* txn) -> status {
    auto key = keys::user_key(user);
    std::string_view stored;
    if (auto s = get_value(txn, impl_->dbis.users, key, stored,
                           "user '" + user + "' does not exist");
        !s)
      return s;
    user_assignment old;
    if (auto s = decode_record(stored, old); !s) return s;
    bool found = false;
    if (auto s = del_value(txn, impl_->dbis.users, key, found, "delete user"); !s) return s;
    return del_value(txn, impl_->dbis.tenant_users, keys::tenant_user_key(old.tenant, user),
                     found, "delete tenant user");
  });
}

status lmdb_store::put_rule(const rule& r) {
  if (r.id.empty() || r.id.size() > keys::max_key_size)
    return status::invalid_argument("rule id must be 1.." + std::to_string(keys::max_key_size) +
                                    " bytes");
  std::string value;
  encode_record(r, value);
  return impl_->write([&](MDB_txn* txn) {
    return put_value(txn, impl_->dbis.rules, r.id, value, "put rule");
  });
}

status lmdb_store::delete_rule(const std::string& rule_id) {
  if (rule_id.empty() || rule_id.size() > keys::max_key_size)
    return status::invalid_argument("invalid rule id");
  return impl_->write([&](MDB_txn* txn) -> status {
    bool found = false;
    if (auto s = del_value(txn, impl_->dbis.rules, rule_id, found, "delete rule"); !s) return s;
    return found ? status::ok() : status::not_found("rule '" + rule_id + "' does not exist");
  });
}

status lmdb_store::append_sync_log(const sync_log_line& line) {
  if (auto s = check_tenant(line.tenant); !s) return s;
  if (!line.user.empty())
    if (auto s = check_user(line.user); !s) return s;
  std::string value;
  encode_record(line, value);
  // Content-derived key: appending the same line twice stores it once (idempotent retries).
  digest64 d;
  d.add(static_cast<uint64_t>(line.level));
  d.add(line.message);
  auto key = keys::sync_log_key(line.tenant, line.at, line.user, {}, d.finish());
  return impl_->write([&](MDB_txn* txn) {
    return put_value(txn, impl_->dbis.sync_log, key, value, "put sync log");
  });
}

namespace {

/// Puts an encoded audit record at `at`, sequenced after the last record of that millisecond.
status put_audit(MDB_txn* txn, MDB_dbi audit, timestamp_ms at, std::string_view value) {
  uint32_t seq = 0;
  lmdb::cursor c;
  if (int rc = c.open(txn, audit); rc != MDB_SUCCESS) return lmdb::to_status(rc, "open cursor");
  auto next = keys::audit_key(at + 1, 0);
  MDB_val k, v;
  int rc = c.seek(next, k, v);
  rc = rc == MDB_SUCCESS ? c.prev(k, v) : c.last(k, v);
  if (rc == MDB_SUCCESS) {
    auto key = lmdb::to_view(k);
    if (key.size() == 12 && keys::read_time(key) == at) {
      for (int i = 8; i < 12; ++i) seq = (seq << 8) | static_cast<uint8_t>(key[i]);
      ++seq;
    }
  }
  c.close();
  return put_value(txn, audit, keys::audit_key(at, seq), value, "put audit");
}

} // namespace

status lmdb_store::append_audit(timestamp_ms at, const std::string& actor,
                                const std::string& action, const std::string& details) {
  std::string value;
  encode_record(audit_record{at, actor, action, details}, value);
  return impl_->write(
    [&](MDB_txn* txn) { return put_audit(txn, impl_->dbis.audit, at, value); });
}

namespace {

status check_purge_refs(const std::vector<activity_ref>& items) {
  for (auto& ref : items) {
    if (auto s = check_tenant(ref.tenant); !s) return s;
    if (auto s = check_user(ref.user); !s) return s;
    if (ref.graph_id.empty() || ref.graph_id.size() > keys::max_graph_id_size)
      return status::invalid_argument("purge: graph id of " + ref.tenant + "/" + ref.user +
                                      " must be 1.." + std::to_string(keys::max_graph_id_size) +
                                      " bytes");
  }
  return status::ok();
}

status check_rule_key(const std::string& rule_id) {
  if (rule_id.empty() || rule_id.size() > keys::max_key_size)
    return status::invalid_argument("rule id must be 1.." + std::to_string(keys::max_key_size) +
                                    " bytes");
  return status::ok();
}

} // namespace

/// Removes every item of `items` inside `txn` (page writer begun); not_found for one that is
/// not stored, which aborts the caller's transaction.
status lmdb_store::impl::purge_in(MDB_txn* txn, const std::vector<activity_ref>& items) {
  for (auto& ref : items) {
    bool removed = false;
    if (auto s = writer.remove(txn, ref.tenant, ref.user, ref.graph_id, ref.event, removed); !s)
      return s;
    if (!removed)
      return status::not_found(std::string("purge: no stored ") +
                               (ref.event ? "event " : "email ") + ref.tenant + "/" + ref.user +
                               "/" + ref.graph_id);
  }
  return status::ok();
}

status lmdb_store::purge(const std::vector<activity_ref>& items, timestamp_ms at,
                         const std::string& actor, const std::string& details) {
  if (auto s = check_purge_refs(items); !s) return s;
  std::string value;
  encode_record(audit_record{at, actor, "purge", details}, value);
  return impl_->write_pages([&](MDB_txn* txn) -> status {
    // On failure the transaction is aborted: nothing of this purge is written.
    if (auto s = impl_->purge_in(txn, items); !s) return s;
    return put_audit(txn, impl_->dbis.audit, at, value);
  });
}

status lmdb_store::change_rules(const rule_change& change) {
  if (auto s = check_purge_refs(change.purge); !s) return s;
  std::vector<std::string> values;
  for (auto& r : change.put) {
    if (auto s = check_rule_key(r.id); !s) return s;
    encode_record(r, values.emplace_back());
  }
  for (auto& id : change.remove)
    if (auto s = check_rule_key(id); !s) return s;
  std::string audit;
  encode_record(audit_record{change.at, change.actor, change.action, change.details}, audit);
  auto body = [&](MDB_txn* txn) -> status {
    if (auto s = impl_->purge_in(txn, change.purge); !s) return s;
    for (size_t i = 0; i < change.put.size(); ++i)
      if (auto s = put_value(txn, impl_->dbis.rules, change.put[i].id, values[i], "put rule"); !s)
        return s;
    for (auto& id : change.remove) {
      bool found = false;
      if (auto s = del_value(txn, impl_->dbis.rules, id, found, "delete rule"); !s) return s;
      if (!found) return status::not_found("rule '" + id + "' does not exist");
    }
    return put_audit(txn, impl_->dbis.audit, change.at, audit);
  };
  // Purged items touch records and the dedupe journal: the page writer's transaction.
  return change.purge.empty() ? impl_->write(body) : impl_->write_pages(body);
}

// -- reads ------------------------------------------------------------------------------------

expected<tenant_settings> lmdb_store::get_tenant(const tenant_id& tenant) const {
  if (auto s = check_tenant(tenant); !s) return s;
  tenant_settings out;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    std::string_view stored;
    if (auto g = get_value(txn, impl_->dbis.tenants, keys::tenant_key(tenant), stored,
                           "tenant '" + tenant + "' does not exist");
        !g)
      return g;
    return decode_record(stored, out);
  });
  if (!s) return s;
  return out;
}

expected<std::vector<tenant_settings>> lmdb_store::list_tenants() const {
  std::vector<tenant_settings> out;
  auto s = impl_->read(
    [&](MDB_txn* txn) { return decode_all(txn, impl_->dbis.tenants, {}, out); });
  if (!s) return s;
  return out;
}

expected<std::string> lmdb_store::get_sealed_credential(const tenant_id& tenant) const {
  if (auto s = check_tenant(tenant); !s) return s;
  std::string out;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    std::string_view stored;
    if (auto g = get_value(txn, impl_->dbis.credentials, keys::tenant_key(tenant), stored,
                           "tenant '" + tenant + "' has no credential");
        !g)
      return g;
    return decode_credential(stored, out);
  });
  if (!s) return s;
  return out;
}

expected<user_assignment> lmdb_store::get_user(const user_id& user) const {
  if (auto s = check_user(user); !s) return s;
  user_assignment out;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    std::string_view stored;
    if (auto g = get_value(txn, impl_->dbis.users, keys::user_key(user), stored,
                           "user '" + user + "' does not exist");
        !g)
      return g;
    return decode_record(stored, out);
  });
  if (!s) return s;
  return out;
}

expected<std::vector<user_assignment>> lmdb_store::list_users(const tenant_id& tenant) const {
  std::vector<user_assignment> out;
  if (tenant.empty()) {
    auto s = impl_->read([&](MDB_txn* txn) { return decode_all(txn, impl_->dbis.users, {}, out); });
    if (!s) return s;
    return out;
  }
  if (auto s = check_tenant(tenant); !s) return s;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    auto prefix = keys::tenant_prefix(tenant);
    lmdb::cursor c;
    if (int rc = c.open(txn, impl_->dbis.tenant_users); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "open cursor");
    MDB_val k, v;
    for (int rc = c.seek(prefix, k, v); rc == MDB_SUCCESS; rc = c.next(k, v)) {
      auto key = lmdb::to_view(k);
      if (!lmdb::has_prefix(key, prefix)) break;
      std::string_view user;
      if (!keys::parse_tenant_user_key(key, prefix.size(), user))
        return status::corrupted("malformed tenant_users key");
      std::string_view stored;
      if (auto g = get_value(txn, impl_->dbis.users, keys::user_key(user), stored,
                             "tenant_users index names a missing user");
          !g)
        return status::corrupted(g.message());
      user_assignment value;
      if (auto d = decode_record(stored, value); !d) return d;
      out.push_back(std::move(value));
    }
    return status::ok();
  });
  if (!s) return s;
  return out;
}

expected<std::vector<rule>> lmdb_store::list_rules() const {
  std::vector<rule> out;
  auto s = impl_->read([&](MDB_txn* txn) { return decode_all(txn, impl_->dbis.rules, {}, out); });
  if (!s) return s;
  return out;
}

} // namespace m365
