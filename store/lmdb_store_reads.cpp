// Reads of sync data: links, single records, time-ordered pages, the sync log and scans. Each
// call is one read transaction; values are decoded (copied) before it ends.
#include <utility>

#include "messages/ids.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "store/lmdb_store_impl.hpp"
#include "store/record_codec.hpp"

namespace m365 {

namespace {

status check_owner(const tenant_id& tenant, const user_id& user) {
  if (!is_valid_tenant_id(tenant)) return status::invalid_argument("invalid tenant id '" + tenant + "'");
  if (!user.empty() && !is_valid_user_id(user))
    return status::invalid_argument("invalid user id '" + user + "'");
  return status::ok();
}

template <class Item>
struct read_traits;

template <>
struct read_traits<email> {
  static constexpr keys::kind kind = keys::kind::email;
  static constexpr const char* name = "email";
  static MDB_dbi db(const store_dbis& d) noexcept { return d.emails; }
};

template <>
struct read_traits<event> {
  static constexpr keys::kind kind = keys::kind::event;
  static constexpr const char* name = "event";
  static MDB_dbi db(const store_dbis& d) noexcept { return d.events; }
};

/// Looks up `key` in `dbi`: rc MDB_SUCCESS or MDB_NOTFOUND, or another LMDB code.
int lookup(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view& out) {
  MDB_val k = lmdb::to_val(key);
  MDB_val v{};
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_SUCCESS) out = lmdb::to_view(v);
  return rc;
}

/// The record of (tenant, user, graph_id), following a dedupe alias to the record that holds
/// the item when this source was folded into another one.
template <class Item>
status get_activity(MDB_txn* txn, const store_dbis& dbis, const std::string& tenant,
                    const std::string& user, const std::string& graph_id, Item& out) {
  using T = read_traits<Item>;
  std::string_view stored;
  record_header header;
  int rc = lookup(txn, T::db(dbis), keys::record_key(tenant, user, graph_id), stored);
  if (rc == MDB_SUCCESS) return decode_record(stored, header, out);
  if (rc != MDB_NOTFOUND) return lmdb::to_status(rc, "get record");
  std::string key;
  keys::alias_key(key, tenant, user, T::kind, graph_id);
  auto missing = status::not_found(std::string(T::name) + " " + tenant + "/" + user + "/" +
                                   graph_id + " does not exist");
  rc = lookup(txn, dbis.aliases, key, stored);
  if (rc == MDB_NOTFOUND) return missing;
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "get alias");
  alias_entry alias;
  if (auto s = decode_record(stored, alias); !s) return s;
  keys::dedupe_key(key, user, T::kind, alias.dedupe_id);
  rc = lookup(txn, dbis.dedupe, key, stored);
  if (rc == MDB_NOTFOUND) return status::corrupted("alias without dedupe entry");
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "get dedupe");
  dedupe_entry entry;
  if (auto s = decode_record(stored, entry); !s) return s;
  rc = lookup(txn, T::db(dbis), entry.owner, stored);
  if (rc == MDB_NOTFOUND) return status::corrupted("dedupe entry names a missing record");
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "get record");
  return decode_record(stored, header, out);
}

template <class Item>
status read_by_time(MDB_txn* txn, const store_dbis& dbis, const activity_query& q,
                    read_page<Item>& out) {
  using T = read_traits<Item>;
  bool tenant_wide = q.user.empty();
  auto prefix = keys::time_prefix(q.tenant, q.user, T::kind);
  std::string start = prefix;
  keys::append_time(start, q.since);
  std::string end = prefix;
  keys::append_time(end, q.until);
  std::string after;
  if (!q.cursor.empty()) {
    // The cursor is the last index key returned; it must lie in this query's range, so a
    // cursor can never carry a read into another tenant or user.
    if (!keys::from_hex(q.cursor, after) || !lmdb::has_prefix(after, prefix) || after < start ||
        after >= end)
      return status::invalid_argument("read cursor does not belong to this query");
    start = after;
  }
  lmdb::cursor c;
  if (int rc = c.open(txn, dbis.by_time); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "open cursor");
  MDB_val k, v;
  int rc = c.seek(start, k, v);
  if (rc == MDB_SUCCESS && !after.empty() && lmdb::to_view(k) == after) rc = c.next(k, v);
  std::string record_key;
  std::string last;
  for (; rc == MDB_SUCCESS; rc = c.next(k, v)) {
    auto key = lmdb::to_view(k);
    if (key >= end) break;
    if (out.items.size() == q.limit) {
      out.next_cursor = keys::to_hex(last);
      break;
    }
    int64_t time = 0;
    std::string_view user = q.user;
    std::string_view graph_id;
    if (!keys::parse_time_key(key, prefix.size(), tenant_wide, time, user, graph_id))
      return status::corrupted("malformed time index key");
    keys::record_key(record_key, q.tenant, user, graph_id);
    std::string_view stored;
    int g = lookup(txn, T::db(dbis), record_key, stored);
    if (g == MDB_NOTFOUND)
      return status::corrupted(std::string("time index names a missing ") + T::name);
    if (g != MDB_SUCCESS) return lmdb::to_status(g, "get record");
    Item item;
    record_header header;
    if (auto s = decode_record(stored, header, item); !s) return s;
    out.items.push_back(std::move(item));
    last.assign(key.data(), key.size());
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return lmdb::to_status(rc, "read time index");
  return status::ok();
}

template <class Item>
status scan_activities(MDB_txn* txn, const store_dbis& dbis, const tenant_id& tenant,
                       const std::function<bool(const Item&)>& visit) {
  using T = read_traits<Item>;
  std::string prefix = tenant.empty() ? std::string{} : keys::tenant_prefix(tenant);
  lmdb::cursor c;
  if (int rc = c.open(txn, T::db(dbis)); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "open cursor");
  MDB_val k, v;
  int rc = c.seek(prefix, k, v);
  Item item;
  record_header header;
  for (; rc == MDB_SUCCESS; rc = c.next(k, v)) {
    if (!lmdb::has_prefix(lmdb::to_view(k), prefix)) break;
    if (auto s = decode_record(lmdb::to_view(v), header, item); !s) return s;
    if (!visit(item)) break;
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return lmdb::to_status(rc, "scan");
  return status::ok();
}

} // namespace

expected<delta_link> lmdb_store::get_link(const tenant_id& tenant, const user_id& user,
                                          const std::string& folder) const {
  if (auto s = check_owner(tenant, user); !s) return s;
  if (user.empty() || folder.empty() || folder.size() > keys::max_component_size)
    return status::invalid_argument("get_link needs a user and a folder");
  delta_link out;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    std::string_view stored;
    int rc = lookup(txn, impl_->dbis.links, keys::link_key(tenant, user, folder), stored);
    if (rc == MDB_NOTFOUND)
      return status::not_found("no link for " + tenant + "/" + user + "/" + folder);
    if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "get link");
    return decode_record(stored, out);
  });
  if (!s) return s;
  return out;
}

expected<std::vector<delta_link>> lmdb_store::list_links(const tenant_id& tenant) const {
  if (auto s = check_owner(tenant, {}); !s) return s;
  std::vector<delta_link> out;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    auto prefix = keys::tenant_prefix(tenant);
    lmdb::cursor c;
    if (int rc = c.open(txn, impl_->dbis.links); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "open cursor");
    MDB_val k, v;
    for (int rc = c.seek(prefix, k, v); rc == MDB_SUCCESS; rc = c.next(k, v)) {
      if (!lmdb::has_prefix(lmdb::to_view(k), prefix)) break;
      delta_link link;
      if (auto d = decode_record(lmdb::to_view(v), link); !d) return d;
      out.push_back(std::move(link));
    }
    return status::ok();
  });
  if (!s) return s;
  return out;
}

expected<email> lmdb_store::get_email(const tenant_id& tenant, const user_id& user,
                                      const std::string& graph_id) const {
  if (auto s = check_owner(tenant, user); !s) return s;
  if (user.empty() || graph_id.empty() || graph_id.size() > keys::max_graph_id_size)
    return status::invalid_argument("get_email needs a user and a graph id");
  email out;
  auto s = impl_->read([&](MDB_txn* txn) {
    return get_activity(txn, impl_->dbis, tenant, user, graph_id, out);
  });
  if (!s) return s;
  return out;
}

expected<event> lmdb_store::get_event(const tenant_id& tenant, const user_id& user,
                                      const std::string& graph_id) const {
  if (auto s = check_owner(tenant, user); !s) return s;
  if (user.empty() || graph_id.empty() || graph_id.size() > keys::max_graph_id_size)
    return status::invalid_argument("get_event needs a user and a graph id");
  event out;
  auto s = impl_->read([&](MDB_txn* txn) {
    return get_activity(txn, impl_->dbis, tenant, user, graph_id, out);
  });
  if (!s) return s;
  return out;
}

expected<read_page<email>> lmdb_store::read_emails(const activity_query& query) const {
  if (auto s = check_owner(query.tenant, query.user); !s) return s;
  if (query.limit == 0) return status::invalid_argument("activity_query::limit must be positive");
  read_page<email> out;
  auto s = impl_->read(
    [&](MDB_txn* txn) { return read_by_time(txn, impl_->dbis, query, out); });
  if (!s) return s;
  return out;
}

expected<read_page<event>> lmdb_store::read_events(const activity_query& query) const {
  if (auto s = check_owner(query.tenant, query.user); !s) return s;
  if (query.limit == 0) return status::invalid_argument("activity_query::limit must be positive");
  read_page<event> out;
  auto s = impl_->read(
    [&](MDB_txn* txn) { return read_by_time(txn, impl_->dbis, query, out); });
  if (!s) return s;
  return out;
}

expected<std::vector<sync_log_line>> lmdb_store::read_sync_log(const tenant_id& tenant,
                                                               const user_id& user,
                                                               timestamp_ms since,
                                                               size_t limit) const {
  if (auto s = check_owner(tenant, user); !s) return s;
  std::vector<sync_log_line> out;
  auto s = impl_->read([&](MDB_txn* txn) -> status {
    auto prefix = keys::tenant_prefix(tenant);
    auto end = lmdb::prefix_end(prefix);
    lmdb::cursor c;
    if (int rc = c.open(txn, impl_->dbis.sync_log); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "open cursor");
    MDB_val k, v;
    // Newest first: start at the last key of the tenant and walk backwards.
    int rc = c.seek(end, k, v);
    rc = rc == MDB_SUCCESS ? c.prev(k, v) : c.last(k, v);
    for (; rc == MDB_SUCCESS && (limit == 0 || out.size() < limit); rc = c.prev(k, v)) {
      auto key = lmdb::to_view(k);
      if (!lmdb::has_prefix(key, prefix)) break;
      int64_t at = 0;
      if (!keys::parse_sync_log_time(key, prefix.size(), at))
        return status::corrupted("malformed sync log key");
      if (at < since) break;
      sync_log_line line;
      if (auto d = decode_record(lmdb::to_view(v), line); !d) return d;
      if (!user.empty() && line.user != user) continue;
      out.push_back(std::move(line));
    }
    return status::ok();
  });
  if (!s) return s;
  return out;
}

status lmdb_store::scan_emails(const tenant_id& tenant,
                               const std::function<bool(const email&)>& visit) const {
  if (!tenant.empty())
    if (auto s = check_owner(tenant, {}); !s) return s;
  return impl_->read(
    [&](MDB_txn* txn) { return scan_activities<email>(txn, impl_->dbis, tenant, visit); });
}

status lmdb_store::scan_events(const tenant_id& tenant,
                               const std::function<bool(const event&)>& visit) const {
  if (!tenant.empty())
    if (auto s = check_owner(tenant, {}); !s) return s;
  return impl_->read(
    [&](MDB_txn* txn) { return scan_activities<event>(txn, impl_->dbis, tenant, visit); });
}

} // namespace m365
