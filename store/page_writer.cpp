// The write path of a delta page; see page_writer.hpp for the dedupe model.
#include "store/page_writer.hpp"

#include <algorithm>
#include <vector>

#include "messages/ids.hpp"
#include "store/digest.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_env.hpp"
#include "store/record_codec.hpp"

namespace m365 {

namespace {

/// What differs between emails and events on the write path.
template <class Item>
struct activity_traits;

template <>
struct activity_traits<email> {
  static constexpr keys::kind kind = keys::kind::email;
  static constexpr const char* name = "email";
  static MDB_dbi db(const store_dbis& d) noexcept { return d.emails; }
  static int64_t time(const email& x) noexcept { return x.received_at; }
  static std::string_view dedupe_id(const email& x) noexcept { return x.internet_message_id; }
  static void set_folder(email& x, const std::string& folder) { x.folder = folder; }
};

template <>
struct activity_traits<event> {
  static constexpr keys::kind kind = keys::kind::event;
  static constexpr const char* name = "event";
  static MDB_dbi db(const store_dbis& d) noexcept { return d.events; }
  static int64_t time(const event& x) noexcept { return x.start; }
  /// Occurrences and exceptions share their master's iCalUId: only single events and series
  /// masters are deduplicated; the others are keyed by their own Graph id alone.
  static std::string_view dedupe_id(const event& x) noexcept {
    if (x.kind == event_kind::single_instance || x.kind == event_kind::series_master)
      return x.ical_uid;
    return {};
  }
  static void set_folder(event&, const std::string&) {}
};

template <class Page>
status validate_page_of(const Page& page, const char* kind_name) {
  auto& link = page.link;
  if (!is_valid_tenant_id(link.tenant))
    return status::invalid_argument(std::string(kind_name) + " page: invalid tenant id '" +
                                    link.tenant + "'");
  if (!is_valid_user_id(link.user))
    return status::invalid_argument(std::string(kind_name) + " page of tenant '" + link.tenant +
                                    "': invalid user id '" + link.user + "'");
  if (link.folder.empty() || link.folder.size() > keys::max_component_size)
    return status::invalid_argument(std::string(kind_name) + " page of " + link.tenant + "/" +
                                    link.user + ": folder must be 1.." +
                                    std::to_string(keys::max_component_size) + " bytes");
  auto check_graph_id = [&](const std::string& id) -> status {
    if (id.empty())
      return status::invalid_argument(std::string(kind_name) + " page of " + link.tenant + "/" +
                                      link.user + ": empty graph id");
    if (id.size() > keys::max_graph_id_size)
      return status::invalid_argument(std::string(kind_name) + " page of " + link.tenant + "/" +
                                      link.user + ": graph id of " + std::to_string(id.size()) +
                                      " bytes exceeds " +
                                      std::to_string(keys::max_graph_id_size));
    return status::ok();
  };
  for (auto& item : page.items) {
    if (auto s = check_graph_id(item.graph_id); !s) return s;
    if ((!item.tenant.empty() && item.tenant != link.tenant) ||
        (!item.user.empty() && item.user != link.user))
      return status::invalid_argument(std::string(kind_name) + " '" + item.graph_id +
                                      "' belongs to " + item.tenant + "/" + item.user +
                                      ", not to the page's " + link.tenant + "/" + link.user);
  }
  for (auto& id : page.removed_ids)
    if (auto s = check_graph_id(id); !s) return s;
  return status::ok();
}

template <class Page>
uint64_t page_digest_of(const Page& page) {
  digest64 d;
  auto& link = page.link;
  d.add(link.tenant);
  d.add(link.user);
  d.add(link.folder);
  d.add(static_cast<uint64_t>(link.phase));
  d.add(link.url);
  d.add(link.generation);
  d.add(static_cast<uint64_t>(link.updated_at));
  d.add(static_cast<uint64_t>(link.window_start));
  d.add(static_cast<uint64_t>(link.window_end));
  d.add(page.final_page ? 1 : 0);
  d.add(page.log);
  d.add(page.items.size());
  for (auto& item : page.items) {
    d.add(item.graph_id);
    d.add(item.change_key);
  }
  d.add(page.removed_ids.size());
  for (auto& id : page.removed_ids) d.add(id);
  return d.finish();
}

template <class Page>
std::string page_log_message(const Page& page, const char* noun) {
  if (!page.log.empty()) return page.log;
  std::string out = page.link.folder;
  out += ": ";
  out += std::to_string(page.items.size());
  out += ' ';
  out += noun;
  out += ", ";
  out += std::to_string(page.removed_ids.size());
  out += " removed";
  if (page.final_page)
    out += page.link.phase == sync_phase::resync ? ", resync complete" : ", caught up";
  return out;
}

/// Inserts `key` into the sorted `sources`; false when it was already there.
bool insert_sorted(std::vector<std::string>& sources, std::string_view key) {
  auto pos = std::lower_bound(sources.begin(), sources.end(), key);
  if (pos != sources.end() && *pos == key) return false;
  sources.emplace(pos, key);
  return true;
}

} // namespace

status validate_page(const email_page& page) { return validate_page_of(page, "email"); }
status validate_page(const event_page& page) { return validate_page_of(page, "event"); }
uint64_t page_digest(const email_page& page) { return page_digest_of(page); }
uint64_t page_digest(const event_page& page) { return page_digest_of(page); }

// -- raw operations -------------------------------------------------------------------------

status page_writer::get(MDB_dbi dbi, std::string_view key, std::string_view& value, bool& found,
                        const char* what) {
  MDB_val k = lmdb::to_val(key);
  MDB_val v{};
  int rc = mdb_get(txn_, dbi, &k, &v);
  found = rc == MDB_SUCCESS;
  if (rc == MDB_NOTFOUND) return status::ok();
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, what);
  value = lmdb::to_view(v);
  return status::ok();
}

status page_writer::put(MDB_dbi dbi, std::string_view key, std::string_view value,
                        const char* what) {
  MDB_val k = lmdb::to_val(key);
  MDB_val v = lmdb::to_val(value);
  return lmdb::to_status(mdb_put(txn_, dbi, &k, &v, 0), what);
}

int page_writer::put_if_absent(MDB_dbi dbi, std::string_view key, std::string_view value,
                               std::string_view& existing) {
  MDB_val k = lmdb::to_val(key);
  MDB_val v = lmdb::to_val(value);
  int rc = mdb_put(txn_, dbi, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) existing = lmdb::to_view(v);
  return rc;
}

status page_writer::del(MDB_dbi dbi, std::string_view key, const char* what) {
  MDB_val k = lmdb::to_val(key);
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  return rc == MDB_NOTFOUND ? status::ok() : lmdb::to_status(rc, what);
}

// -- transactions -----------------------------------------------------------------------------

void page_writer::begin(MDB_txn* txn) {
  txn_ = txn;
  pending_count_ = 0;
  journal_.begin(txn);
}

status page_writer::finish() {
  if (auto s = flush_time_keys(); !s) return s;
  return journal_.flush([this](std::string_view prefix, const journal_entry& entry, bool& live) {
    return entry_is_live(prefix, entry, live);
  });
}

status page_writer::entry_is_live(std::string_view prefix, const journal_entry& entry,
                                  bool& live) {
  live = false;
  if (prefix.empty()) return status::corrupted("empty dedupe journal prefix");
  auto kind = static_cast<keys::kind>(prefix.back());
  bool is_event = kind == keys::kind::event;
  if (!is_event && kind != keys::kind::email)
    return status::corrupted("dedupe journal prefix of an unknown kind");
  keys::record_key_parts parts;
  if (!keys::parse_record_key(entry.owner, parts))
    return status::corrupted("dedupe journal entry with a malformed owner key");
  std::string_view stored;
  bool found = false;
  if (auto s = get(is_event ? dbis_.events : dbis_.emails, entry.owner, stored, found,
                   "get record");
      !s)
    return s;
  if (!found) return status::ok();
  record_header header;
  if (auto s = decode_header(stored, is_event ? "event" : "email", header); !s) return s;
  if (header.dedupe_id.empty()) return status::ok();
  keys::dedupe_key(live_key_, parts.user, kind, header.dedupe_id);
  live = lmdb::has_prefix(live_key_, prefix) && keys::dedupe_hash(live_key_) == entry.hash;
  return status::ok();
}

// -- pages ------------------------------------------------------------------------------------

status page_writer::apply(MDB_txn* txn, const email_page& page, commit_ack& ack) {
  return apply_page(txn, page, ack);
}

status page_writer::apply(MDB_txn* txn, const event_page& page, commit_ack& ack) {
  return apply_page(txn, page, ack);
}

status page_writer::remove(MDB_txn* txn, std::string_view tenant, std::string_view user,
                           std::string_view graph_id, bool is_event, bool& removed) {
  txn_ = txn;
  // An empty folder matches the source wherever it is stored.
  std::string promoted;
  auto remove_one = [&](std::string_view t, std::string_view u, std::string_view id, bool& r) {
    promoted.clear();
    return is_event ? remove_source<event>(t, u, id, {}, r, &promoted)
                    : remove_source<email>(t, u, id, {}, r, &promoted);
  };
  if (auto s = remove_one(tenant, user, graph_id, removed); !s || !removed) return s;
  // The item must go, not move to its next source: follow each promotion.
  while (!promoted.empty()) {
    std::string owner = promoted;
    keys::record_key_parts next;
    if (!keys::parse_record_key(owner, next))
      return status::corrupted("dedupe entry holds a malformed source key");
    bool next_removed = false;
    if (auto s = remove_one(next.tenant, next.user, next.graph_id, next_removed); !s) return s;
  }
  return status::ok();
}

template <class Page>
status page_writer::apply_page(MDB_txn* txn, const Page& page, commit_ack& ack) {
  using item_type = typename decltype(page.items)::value_type;
  txn_ = txn;
  auto& link = page.link;
  for (auto& item : page.items)
    if (auto s = upsert(link, item, ack); !s) return s;
  for (auto& id : page.removed_ids) {
    bool removed = false;
    if (auto s = remove_source<item_type>(link.tenant, link.user, id, link.folder, removed); !s)
      return s;
    if (removed) ++ack.removed;
  }
  if (link.phase == sync_phase::resync && page.final_page)
    if (auto s = sweep<item_type>(link, ack.swept); !s) return s;
  return put_link_and_log(page);
}

template <class Page>
status page_writer::put_link_and_log(const Page& page) {
  using item_type = typename decltype(page.items)::value_type;
  auto& link = page.link;
  value_.clear();
  if (link.phase == sync_phase::resync && page.final_page) {
    // The sweep ran in this transaction: the stream is caught up again, and a restart must
    // follow the delta link instead of sweeping once more.
    auto stored = link;
    stored.phase = sync_phase::caught_up;
    encode_record(stored, value_);
  } else {
    encode_record(link, value_);
  }
  if (auto s = put(dbis_.links, keys::link_key(link.tenant, link.user, link.folder), value_,
                   "put link");
      !s)
    return s;
  sync_log_line line;
  line.tenant = link.tenant;
  line.user = link.user;
  line.at = link.updated_at;
  line.level = log_level::info;
  line.message = page_log_message(page, activity_traits<item_type>::kind == keys::kind::email
                                            ? "emails"
                                            : "events");
  value_.clear();
  encode_record(line, value_);
  auto key = keys::sync_log_key(link.tenant, link.updated_at, link.user, link.folder,
                                page_digest(page));
  return put(dbis_.sync_log, key, value_, "put sync log");
}

// -- upserts ----------------------------------------------------------------------------------

template <class Item>
status page_writer::upsert(const delta_link& link, const Item& item, commit_ack& ack) {
  using T = activity_traits<Item>;
  if (item.tenant.empty() || item.user.empty()) {
    // Provenance comes from the page when the decoder left it out.
    Item owned = item;
    owned.tenant = link.tenant;
    owned.user = link.user;
    return upsert(link, owned, ack);
  }
  auto dedupe_id = T::dedupe_id(item);
  std::string_view stored;
  bool found = false;
  // 1. A source already folded into another record by dedupe: remember where it was seen.
  keys::alias_key(alias_key_, link.tenant, link.user, T::kind, item.graph_id);
  if (auto s = get(dbis_.aliases, alias_key_, stored, found, "get alias"); !s) return s;
  if (found) {
    alias_entry alias;
    if (auto s = decode_record(stored, alias); !s) return s;
    if (alias.dedupe_id != dedupe_id) {
      // The dedupe id changed (rare): leave the old dedupe group, then join the new one.
      bool removed = false;
      if (auto s = remove_source<Item>(link.tenant, link.user, item.graph_id, {}, removed); !s)
        return s;
      return insert_new(link, item, dedupe_id, ack);
    }
    alias.generation = link.generation;
    alias.folder = link.folder;
    alias.mailbox = item.mailbox;
    alias.change_key = item.change_key;
    value_.clear();
    encode_record(alias, value_);
    if (auto s = put(dbis_.aliases, alias_key_, value_, "put alias"); !s) return s;
    ++ack.duplicates;
    return status::ok();
  }
  // 2. Insert the record unless it exists: one B-tree walk for the common case of a new item
  //    (MDB_NOOVERWRITE hands back the stored value when the key is taken).
  keys::record_key(key_, link.tenant, link.user, item.graph_id);
  record_header header;
  header.generation = link.generation;
  header.folder = link.folder;
  header.time = T::time(item);
  header.dedupe_id.assign(dedupe_id.data(), dedupe_id.size());
  record_.clear();
  encode_record(header, item, record_);
  int rc = put_if_absent(T::db(dbis_), key_, record_, stored);
  if (rc == MDB_KEYEXIST) {
    record_header old;
    if (auto s = decode_header(stored, T::name, old); !s) return s;
    if (old.dedupe_id != dedupe_id) {
      bool removed = false;
      if (auto s = remove_source<Item>(link.tenant, link.user, item.graph_id, {}, removed); !s)
        return s;
      return insert_new(link, item, dedupe_id, ack);
    }
    auto old_time = old.time;
    if (auto s = put(T::db(dbis_), key_, record_, "put record"); !s) return s;
    if (old_time != header.time) {
      if (auto s = del_time_keys(static_cast<uint8_t>(T::kind), link.tenant, link.user, old_time,
                                 item.graph_id);
          !s)
        return s;
      if (auto s = put_time_keys(static_cast<uint8_t>(T::kind), link.tenant, link.user,
                                 header.time, item.graph_id);
          !s)
        return s;
    }
    ++ack.upserted;
    return status::ok();
  }
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "put record");
  // 3. A new record: list it in the dedupe journal, or fold it into the record found there.
  if (!dedupe_id.empty()) {
    keys::dedupe_key(dedupe_key_, link.user, T::kind, dedupe_id);
    if (auto s = find_owner_or_list<Item>(dedupe_id); !s) return s;
    if (!owner_.empty()) {
      if (auto s = del(T::db(dbis_), key_, "delete record"); !s) return s;
      return join_group(link, item, dedupe_id, ack);
    }
  }
  if (auto s = put_time_keys(static_cast<uint8_t>(T::kind), link.tenant, link.user, header.time,
                             item.graph_id);
      !s)
    return s;
  ++ack.upserted;
  return status::ok();
}

template <class Item>
status page_writer::find_owner_or_list(std::string_view dedupe_id) {
  using T = activity_traits<Item>;
  owner_.clear();
  auto hash = keys::dedupe_hash(dedupe_key_);
  if (auto s = journal_.candidates(journal_prefix(), hash, candidates_); !s) return s;
  // A candidate is only a hint: stale after a removal, or another id with the same hash.
  bool self_listed = false;
  for (auto& candidate : candidates_) {
    if (candidate.owner == key_) {
      self_listed = self_listed || candidate.hash == hash;
      continue;
    }
    std::string_view stored;
    bool found = false;
    if (auto s = get(T::db(dbis_), candidate.owner, stored, found, "get record"); !s) return s;
    if (!found) continue;
    record_header header;
    if (auto s = decode_header(stored, T::name, header); !s) return s;
    if (header.dedupe_id == dedupe_id) {
      owner_ = candidate.owner;
      return status::ok();
    }
  }
  if (!self_listed) return journal_.stage(journal_prefix(), hash, key_);
  // A removed source delivered again: its stale entry names a live owner again.
  journal_.count_stale(journal_prefix(), -1);
  return status::ok();
}

status page_writer::list_in_journal(std::string_view key) {
  auto hash = keys::dedupe_hash(dedupe_key_);
  if (auto s = journal_.candidates(journal_prefix(), hash, candidates_); !s) return s;
  for (auto& candidate : candidates_) {
    if (candidate.owner == key && candidate.hash == hash) {
      // A source that was an owner once: its stale entry names a live owner again.
      journal_.count_stale(journal_prefix(), -1);
      return status::ok();
    }
  }
  return journal_.stage(journal_prefix(), hash, key);
}

std::string_view page_writer::journal_prefix() const noexcept {
  return std::string_view(dedupe_key_).substr(0, dedupe_key_.size() - keys::dedupe_digest_size);
}

template <class Item>
status page_writer::join_group(const delta_link& link, const Item& item,
                               std::string_view dedupe_id, commit_ack& ack) {
  using T = activity_traits<Item>;
  // Another source already delivered this item to this user: remember the source only.
  std::string_view stored;
  bool found = false;
  if (auto s = get(dbis_.dedupe, dedupe_key_, stored, found, "get dedupe"); !s) return s;
  dedupe_entry entry;
  if (found) {
    if (auto s = decode_record(stored, entry); !s) return s;
    if (entry.owner != owner_)
      return status::corrupted(std::string(T::name) + " dedupe group names another owner than "
                                                      "the record that holds the item");
  } else {
    entry.owner = owner_;
    entry.sources.push_back(owner_);
  }
  insert_sorted(entry.sources, key_);
  value_.clear();
  encode_record(entry, value_);
  if (auto s = put(dbis_.dedupe, dedupe_key_, value_, "put dedupe"); !s) return s;
  alias_entry alias{std::string(dedupe_id), link.generation, link.folder, item.mailbox,
                    item.change_key};
  value_.clear();
  encode_record(alias, value_);
  keys::alias_key(alias_key_, link.tenant, link.user, T::kind, item.graph_id);
  if (auto s = put(dbis_.aliases, alias_key_, value_, "put alias"); !s) return s;
  ++ack.duplicates;
  return status::ok();
}

template <class Item>
status page_writer::insert_new(const delta_link& link, const Item& item,
                               std::string_view dedupe_id, commit_ack& ack) {
  using T = activity_traits<Item>;
  keys::record_key(key_, link.tenant, link.user, item.graph_id);
  if (!dedupe_id.empty()) {
    keys::dedupe_key(dedupe_key_, link.user, T::kind, dedupe_id);
    if (auto s = find_owner_or_list<Item>(dedupe_id); !s) return s;
    if (!owner_.empty()) return join_group(link, item, dedupe_id, ack);
  }
  if (auto s = write_record(key_, link, item, dedupe_id); !s) return s;
  if (auto s = put_time_keys(static_cast<uint8_t>(T::kind), link.tenant, link.user, T::time(item),
                             item.graph_id);
      !s)
    return s;
  ++ack.upserted;
  return status::ok();
}

template <class Item>
status page_writer::write_record(std::string_view key, const delta_link& link, const Item& item,
                                 std::string_view dedupe_id) {
  using T = activity_traits<Item>;
  record_header header;
  header.generation = link.generation;
  header.folder = link.folder;
  header.time = T::time(item);
  header.dedupe_id.assign(dedupe_id.data(), dedupe_id.size());
  value_.clear();
  encode_record(header, item, value_);
  return put(T::db(dbis_), key, value_, "put record");
}

status page_writer::put_time_keys(uint8_t kind, std::string_view tenant, std::string_view user,
                                  int64_t time, std::string_view graph_id) {
  // Buffered, written in key order by flush_time_keys(): the keys of a page are adjacent, and
  // LMDB fills its pages when keys arrive in ascending order (descending leaves them half full).
  auto k = static_cast<keys::kind>(kind);
  if (pending_time_keys_.size() < pending_count_ + 2) pending_time_keys_.resize(pending_count_ + 2);
  keys::user_time_key(pending_time_keys_[pending_count_++], tenant, user, k, time, graph_id);
  keys::tenant_time_key(pending_time_keys_[pending_count_++], tenant, user, k, time, graph_id);
  return status::ok();
}

status page_writer::flush_time_keys() {
  if (pending_count_ == 0) return status::ok();
  std::vector<std::string_view> sorted(pending_time_keys_.begin(),
                                       pending_time_keys_.begin() + pending_count_);
  std::sort(sorted.begin(), sorted.end());
  pending_count_ = 0;
  for (auto key : sorted)
    if (auto s = put(dbis_.by_time, key, {}, "put time index"); !s) return s;
  return status::ok();
}

status page_writer::del_time_keys(uint8_t kind, std::string_view tenant, std::string_view user,
                                  int64_t time, std::string_view graph_id) {
  // A buffered put of the same key must not land after this delete.
  if (auto s = flush_time_keys(); !s) return s;
  auto k = static_cast<keys::kind>(kind);
  keys::user_time_key(time_key_, tenant, user, k, time, graph_id);
  if (auto s = del(dbis_.by_time, time_key_, "delete time index"); !s) return s;
  keys::tenant_time_key(time_key_, tenant, user, k, time, graph_id);
  return del(dbis_.by_time, time_key_, "delete time index");
}

// -- removals ---------------------------------------------------------------------------------

template <class Item>
status page_writer::remove_source(std::string_view tenant, std::string_view user,
                                  std::string_view graph_id, std::string_view folder,
                                  bool& removed, std::string* promoted_key) {
  using T = activity_traits<Item>;
  removed = false;
  std::string key = keys::record_key(tenant, user, graph_id);
  std::string_view stored;
  bool found = false;
  if (auto s = get(T::db(dbis_), key, stored, found, "get record"); !s) return s;
  if (found) {
    record_header header;
    if (auto s = decode_header(stored, T::name, header); !s) return s;
    if (!folder.empty() && header.folder != folder) return status::ok();
    // A record of an item with other sources has a dedupe group; one without is the only source.
    dedupe_entry entry;
    bool grouped = false;
    if (!header.dedupe_id.empty()) {
      keys::dedupe_key(dedupe_key_, user, T::kind, header.dedupe_id);
      std::string_view group;
      if (auto s = get(dbis_.dedupe, dedupe_key_, group, grouped, "get dedupe"); !s) return s;
      if (grouped)
        if (auto s = decode_record(group, entry); !s) return s;
    }
    // Decoded before any write: LMDB values are only valid until the next write.
    Item old;
    record_header full_header;
    if (grouped)
      if (auto s = decode_record(stored, full_header, old); !s) return s;
    if (auto s = del(T::db(dbis_), key, "delete record"); !s) return s;
    if (auto s = del_time_keys(static_cast<uint8_t>(T::kind), tenant, user, header.time, graph_id);
        !s)
      return s;
    removed = true;
    // The record was listed in the journal: its entry is stale now.
    if (!header.dedupe_id.empty()) journal_.count_stale(journal_prefix(), 1);
    if (!grouped) return status::ok();
    auto pos = std::lower_bound(entry.sources.begin(), entry.sources.end(), key);
    if (pos != entry.sources.end() && *pos == key) entry.sources.erase(pos);
    if (entry.sources.empty()) return del(dbis_.dedupe, dedupe_key_, "delete dedupe");
    // Another source still delivers this item: promote it to owner so the record (and its
    // provenance) follows a source that exists.
    keys::record_key_parts next;
    if (!keys::parse_record_key(entry.sources.front(), next))
      return status::corrupted("dedupe entry holds a malformed source key");
    std::string next_key = entry.sources.front();
    keys::alias_key(alias_key_, next.tenant, next.user, T::kind, next.graph_id);
    if (auto s = get(dbis_.aliases, alias_key_, stored, found, "get alias"); !s) return s;
    if (!found)
      return status::corrupted(std::string(T::name) + " dedupe source without alias entry");
    alias_entry alias;
    if (auto s = decode_record(stored, alias); !s) return s;
    old.tenant.assign(next.tenant.data(), next.tenant.size());
    old.graph_id.assign(next.graph_id.data(), next.graph_id.size());
    old.mailbox = alias.mailbox;
    old.change_key = alias.change_key;
    T::set_folder(old, alias.folder);
    delta_link owner_link;
    owner_link.generation = alias.generation;
    owner_link.folder = alias.folder;
    if (auto s = del(dbis_.aliases, alias_key_, "delete alias"); !s) return s;
    if (auto s = write_record(next_key, owner_link, old, header.dedupe_id); !s) return s;
    if (auto s = put_time_keys(static_cast<uint8_t>(T::kind), old.tenant, old.user, header.time,
                               old.graph_id);
        !s)
      return s;
    if (auto s = list_in_journal(next_key); !s) return s;
    if (promoted_key) *promoted_key = next_key;
    entry.owner = next_key;
    return put_group(entry);
  }
  keys::alias_key(alias_key_, tenant, user, T::kind, graph_id);
  if (auto s = get(dbis_.aliases, alias_key_, stored, found, "get alias"); !s) return s;
  if (!found) return status::ok();
  alias_entry alias;
  if (auto s = decode_record(stored, alias); !s) return s;
  if (!folder.empty() && alias.folder != folder) return status::ok();
  if (auto s = del(dbis_.aliases, alias_key_, "delete alias"); !s) return s;
  removed = true;
  keys::dedupe_key(dedupe_key_, user, T::kind, alias.dedupe_id);
  if (auto s = get(dbis_.dedupe, dedupe_key_, stored, found, "get dedupe"); !s) return s;
  if (!found) return status::corrupted(std::string(T::name) + " alias without dedupe entry");
  dedupe_entry entry;
  if (auto s = decode_record(stored, entry); !s) return s;
  auto pos = std::lower_bound(entry.sources.begin(), entry.sources.end(), key);
  if (pos != entry.sources.end() && *pos == key) entry.sources.erase(pos);
  return put_group(entry);
}

status page_writer::put_group(const dedupe_entry& entry) {
  // A group lives while the item has two sources or more: the journal finds a lone one.
  if (entry.sources.size() < 2) return del(dbis_.dedupe, dedupe_key_, "delete dedupe");
  value_.clear();
  encode_record(entry, value_);
  return put(dbis_.dedupe, dedupe_key_, value_, "put dedupe");
}

// -- generation sweep -------------------------------------------------------------------------

template <class Item>
status page_writer::sweep(const delta_link& link, uint64_t& swept) {
  using T = activity_traits<Item>;
  // Collect first, remove after: removals write and would invalidate the scan's cursor.
  std::vector<std::string> stale;
  {
    lmdb::cursor c;
    if (int rc = c.open(txn_, T::db(dbis_)); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "open cursor");
    auto prefix = keys::user_prefix(link.tenant, link.user);
    MDB_val k, v;
    for (int rc = c.seek(prefix, k, v); rc == MDB_SUCCESS; rc = c.next(k, v)) {
      auto key = lmdb::to_view(k);
      if (!lmdb::has_prefix(key, prefix)) break;
      record_header header;
      if (auto s = decode_header(lmdb::to_view(v), T::name, header); !s) return s;
      if (header.folder == link.folder && header.generation < link.generation)
        stale.emplace_back(key.substr(prefix.size()));
    }
  }
  {
    lmdb::cursor c;
    if (int rc = c.open(txn_, dbis_.aliases); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "open cursor");
    auto prefix = keys::alias_prefix(link.tenant, link.user, T::kind);
    MDB_val k, v;
    for (int rc = c.seek(prefix, k, v); rc == MDB_SUCCESS; rc = c.next(k, v)) {
      auto key = lmdb::to_view(k);
      if (!lmdb::has_prefix(key, prefix)) break;
      alias_entry alias;
      if (auto s = decode_record(lmdb::to_view(v), alias); !s) return s;
      if (alias.folder == link.folder && alias.generation < link.generation)
        stale.emplace_back(key.substr(prefix.size()));
    }
  }
  for (auto& graph_id : stale) {
    bool removed = false;
    if (auto s = remove_source<Item>(link.tenant, link.user, graph_id, link.folder, removed); !s)
      return s;
    // A source promoted by an earlier removal of this sweep may already be gone.
    if (removed) ++swept;
  }
  return status::ok();
}

} // namespace m365
