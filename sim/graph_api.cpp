#include "sim/graph_api.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdio>

#include "sim/event_json.hpp"
#include "sim/event_request.hpp"
#include "sim/graph_error.hpp"
#include "sim/json_text.hpp"
#include "sim/message_json.hpp"
#include "sim/page_buffers.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace http = boost::beast::http;

namespace {

constexpr uint32_t default_page_size = 10;
constexpr uint32_t max_page_size = 1000;
constexpr size_t max_batch_items = 20;

sim_response error(unsigned status, std::string_view code, std::string_view message) {
  sim_response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = graph_error_body(code, message);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  std::string t = buf;
  while (!t.empty() && t.back() == '0')
    t.pop_back();
  if (!t.empty() && t.back() == '.')
    t.pop_back();
  return t.empty() ? "0" : t;
}

sim_response throttled(double retry_after_s, bool with_header,
                       std::string_view message = "Application is over its MailboxConcurrency limit.") {
  sim_response r;
  r.status = 429;
  r.content_type = "application/json";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.body = graph_throttled_body("ApplicationThrottled", message);
  if (with_header)
    r.headers.emplace_back("Retry-After", seconds_text(retry_after_s));
  return r;
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// Parsed Prefer header.
struct preferences {
  uint32_t page_size = default_page_size;
  bool page_size_given = false;
  bool immutable_ids = false;
  std::string applied() const {
    std::string s;
    if (page_size_given)
      s = "odata.maxpagesize=" + std::to_string(page_size);
    if (immutable_ids)
      s += std::string(s.empty() ? "" : ", ") + "IdType=\"ImmutableId\"";
    return s;
  }
};

preferences parse_prefer(std::string_view text) {
  preferences p;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view val = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (!val.empty() && val.front() == '"' && val.size() >= 2 && val.back() == '"')
      val = val.substr(1, val.size() - 2);
    if (ieq(key, "odata.maxpagesize")) {
      uint64_t n = 0;
      bool ok = !val.empty();
      for (char c : val)
        ok = ok && c >= '0' && c <= '9', n = n * 10 + static_cast<uint64_t>(c - '0');
      if (ok && n > 0) {
        p.page_size = static_cast<uint32_t>(std::min<uint64_t>(n, max_page_size));
        p.page_size_given = true;
      }
    } else if (ieq(key, "IdType") && ieq(val, "ImmutableId")) {
      p.immutable_ids = true;
    }
  }
  return p;
}

/// Query parameters we understand, decoded; names matched case-insensitively.
struct query_params {
  std::string select, skiptoken, deltatoken, change_type, start, end, top;
  bool has_select = false;
};

query_params parse_query(const boost::urls::url_view& u) {
  query_params q;
  for (auto p : u.params()) {
    std::string_view k = p.key;
    std::string v = p.has_value ? std::string(p.value) : std::string();
    if (ieq(k, "$select")) {
      q.select = v;
      q.has_select = true;
    } else if (ieq(k, "$skiptoken")) q.skiptoken = v;
    else if (ieq(k, "$deltatoken")) q.deltatoken = v;
    else if (ieq(k, "changeType")) q.change_type = v;
    else if (ieq(k, "startDateTime")) q.start = v;
    else if (ieq(k, "endDateTime")) q.end = v;
    else if (ieq(k, "$top")) q.top = v;
  }
  return q;
}

/// Standard response headers of a Graph JSON answer.
void finish(sim_response& r, const preferences* prefs) {
  r.headers.emplace_back("OData-Version", "4.0");
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (prefs) {
    std::string applied = prefs->applied();
    if (!applied.empty())
      r.headers.emplace_back("Preference-Applied", applied);
  }
}

/// Everything a mailbox-scoped handler needs.
struct scope {
  world& w;
  const user_info& user;
  const tenant_info& tenant;
  const graph_call& call;
  const boost::urls::url_view& url;
  const query_params& query;
  const preferences& prefs;
  const fault_decision& fault;
  std::vector<std::string_view> rest; ///< path segments after users/{u}
};

std::optional<uint16_t> resolve_folder(const scope& s, std::string_view name) {
  for (uint16_t f = 0; f < folder_count; ++f)
    if (ieq(name, folder_well_known_name(f)))
      return f;
  if (auto d = s.w.ids().decode(name); d && d->kind == 'f' && d->mailbox == s.user.index && d->item < folder_count)
    return static_cast<uint16_t>(d->item);
  return std::nullopt;
}

std::string user_link_base(const scope& s) {
  return s.w.graph_url() + "/users/" + s.user.id;
}

// -- messages --

sim_response message_delta(const scope& s, std::optional<uint16_t> folder_from_path) {
  const fault_profile& faults = *s.w.faults();
  link_state st;
  bool has_token = !s.query.skiptoken.empty() || !s.query.deltatoken.empty();
  if (has_token) {
    auto decoded = s.w.links().decode(s.query.skiptoken.empty() ? s.query.deltatoken : s.query.skiptoken);
    if (!decoded || decoded->what != link_state::collection::messages || decoded->mailbox != s.user.index)
      return error(400, "ErrorInvalidSyncStateData", "The sync state data is corrupt or otherwise invalid.");
    st = *decoded;
    if (folder_from_path && *folder_from_path != st.folder)
      return error(400, "ErrorInvalidSyncStateData", "The sync state does not belong to this folder.");
  } else {
    if (!folder_from_path)
      return error(404, "ErrorInvalidIdMalformed", "Id is malformed.");
    st.what = link_state::collection::messages;
    st.mailbox = s.user.index;
    st.folder = *folder_from_path;
    if (s.query.has_select) {
      auto mask = message_json::parse_select(s.query.select);
      if (!mask)
        return error(400, "RequestBroker--ParseUri", mask.error().message());
      st.select = *mask;
    }
    if (!s.query.change_type.empty()) {
      if (ieq(s.query.change_type, "created")) st.change_filter = 1;
      else if (ieq(s.query.change_type, "updated")) st.change_filter = 2;
      else if (ieq(s.query.change_type, "deleted")) st.change_filter = 3;
      else
        return error(400, "ErrorInvalidUrlQuery", "The value of changeType must be created, updated or deleted.");
    }
  }
  mailbox& mb = s.w.mailbox_of(s.user.index);
  std::vector<delta_item> items;
  std::string body = page_buffers::take();
  std::lock_guard<std::mutex> lock(mb.mutex);
  if (has_token && (st.generation != mb.generation || s.fault.sync_state_not_found)) {
    if (s.fault.sync_state_not_found)
      s.w.stats().fault("sync_state_not_found");
    return error(410, "syncStateNotFound", "The sync state generation is not found. Please resync without a delta token.");
  }
  message_store& store = mb.messages;
  if (st.upper == 0) { // a round starts: fix its upper bound now
    st.upper = store.sequence();
    st.position = store.round_start(st.folder, st.since);
    st.generation = mb.generation;
  } else if (s.fault.replay) {
    // Replayed items: step the cursor back so the page repeats what the last one sent.
    uint64_t lo = store.round_start(st.folder, st.since);
    uint64_t back = std::min<uint64_t>(s.prefs.page_size / 2, 5); // the round still advances
    uint64_t rewound = st.position > lo + back ? st.position - back : lo;
    if (rewound != st.position)
      s.w.stats().fault("replay_items");
    st.position = rewound;
  }
  bool more = false;
  uint64_t next = store.collect(st.folder, st.change_filter, st.since, st.upper, st.position, s.prefs.page_size,
                                items, more);
  std::string link = user_link_base(s) + "/mailFolders('" + s.w.ids().folder_id(s.user.index, st.folder) +
                     "')/messages/delta?";
  link_state after = st;
  bool later_round = st.since > 0;
  if (more) {
    after.position = next;
    link += "$skiptoken=" + s.w.links().encode(after);
  } else {
    after.since = st.upper;
    after.upper = 0;
    after.position = 0;
    // Documented quirk: with changeType=created the deltaLink carries $skiptoken.
    bool skip_name = faults.doc_quirks && st.change_filter == 1;
    link += (skip_name ? "$skiptoken=" : "$deltatoken=") + s.w.links().encode(after);
  }
  body.reserve(items.size() * (st.select ? 400 : 6000) + 512);
  body.append("{\"@odata.context\":\"");
  body.append(s.w.graph_url());
  body.append("/$metadata#Collection(message)\",");
  body.append(more ? "\"@odata.nextLink\":" : "\"@odata.deltaLink\":");
  json::append_string(body, link);
  body.append(",\"value\":[");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i)
      body.push_back(',');
    const delta_item& it = items[i];
    std::string id = store.id_of(it.index, st.folder, s.prefs.immutable_ids);
    if (it.removed) {
      message_json::write_removed(body, id);
      continue;
    }
    const message_record& rec = store.materialize(it.index);
    message_render how;
    how.id = id;
    how.select = st.select;
    // Documented quirk (messages_delta_removed.json): isRead as a string in a later plain round.
    how.is_read_as_string = faults.doc_quirks && later_round && st.change_filter == 0;
    how.explicit_body = rec.edited && rec.edited->body_html ? &*rec.edited->body_html : nullptr;
    message_json::write(body, s.w.data(), *rec.cache, how);
  }
  body.append("]}");
  sim_response r;
  r.body = std::move(body);
  finish(r, &s.prefs);
  return r;
}

sim_response message_get(const scope& s, std::string_view id) {
  auto d = s.w.ids().decode(id);
  if (!d || (d->kind != 'm' && d->kind != 'i') || d->mailbox != s.user.index)
    return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  mailbox& mb = s.w.mailbox_of(s.user.index);
  std::lock_guard<std::mutex> lock(mb.mutex);
  const message_record* found = mb.messages.find(d->item);
  if (!found || found->deleted || (d->kind == 'm' && d->sub != found->folder))
    return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  uint64_t mask = 0;
  if (s.query.has_select) {
    auto m = message_json::parse_select(s.query.select);
    if (!m)
      return error(400, "RequestBroker--ParseUri", m.error().message());
    mask = *m;
  }
  const message_record& rec = mb.messages.materialize(d->item);
  std::string rid = mb.messages.id_of(d->item, rec.folder, s.prefs.immutable_ids);
  std::string item;
  message_render how;
  how.id = rid;
  how.select = mask;
  how.explicit_body = rec.edited && rec.edited->body_html ? &*rec.edited->body_html : nullptr;
  message_json::write(item, s.w.data(), *rec.cache, how);
  // Single entity: `@odata.context` first, then the object's members (drop the leading '{').
  sim_response r;
  r.body = "{\"@odata.context\":\"" + s.w.graph_url() + "/$metadata#users('" + s.user.id + "')/messages/$entity\"," +
           item.substr(1);
  finish(r, &s.prefs);
  return r;
}

sim_response folders(const scope& s, std::optional<uint16_t> only) {
  mailbox& mb = s.w.mailbox_of(s.user.index);
  uint32_t total[folder_count] = {};
  {
    std::lock_guard<std::mutex> lock(mb.mutex);
    for (uint32_t i = 0; i < mb.messages.size(); ++i) {
      const message_record* r = mb.messages.find(i);
      if (r && !r->deleted)
        ++total[r->folder];
    }
  }
  std::string root = s.w.ids().folder_id(s.user.index, 0xff);
  auto one = [&](std::string& out, uint16_t f) {
    out.push_back('{');
    json::append_member(out, "id", s.w.ids().folder_id(s.user.index, f));
    out.push_back(',');
    json::append_member(out, "displayName", folder_display_name(f));
    out.push_back(',');
    json::append_member(out, "parentFolderId", root);
    out.append(",\"childFolderCount\":0,\"unreadItemCount\":0,\"totalItemCount\":" + std::to_string(total[f]) +
               ",\"sizeInBytes\":" + std::to_string(uint64_t{total[f]} * 6000) + ",\"isHidden\":false}");
  };
  sim_response r;
  if (only) {
    r.body = "{\"@odata.context\":\"" + s.w.graph_url() + "/$metadata#users('" + s.user.id + "')/mailFolders/$entity\",";
    std::string obj;
    one(obj, *only);
    r.body += obj.substr(1);
  } else {
    r.body = "{\"@odata.context\":\"" + s.w.graph_url() + "/$metadata#users('" + s.user.id + "')/mailFolders\",\"value\":[";
    for (uint16_t f = 0; f < folder_count; ++f) {
      if (f)
        r.body.push_back(',');
      one(r.body, f);
    }
    r.body += "]}";
  }
  finish(r, &s.prefs);
  return r;
}

// -- calendar --

void write_instance(std::string& out, const scope& s, calendar_store& cal, const calendar_item& ci,
                    std::string_view context) {
  std::string id = s.w.ids().event_id(s.user.index, ci.index, ci.occurrence);
  if (ci.removed) {
    event_json::write_removed(out, id);
    return;
  }
  auto e = cal.get(ci.index);
  std::string ck = cal.change_key(ci.index);
  event_render how;
  how.id = id;
  how.change_key = ck;
  how.odata_context = context;
  std::string master;
  event_instance in;
  if (ci.occurrence > 0) {
    if (!e || !find_instance(*e, ci.occurrence, in)) {
      event_json::write_removed(out, id);
      return;
    }
    master = s.w.ids().event_id(s.user.index, ci.index, 0);
    how.series_master_id = master;
    how.instance = &in;
  } else if (!e) {
    event_json::write_removed(out, id);
    return;
  }
  event_json::write(out, *e, how);
}

sim_response calendar_delta(const scope& s) {
  link_state st;
  bool has_token = !s.query.skiptoken.empty() || !s.query.deltatoken.empty();
  if (has_token) {
    auto decoded = s.w.links().decode(s.query.skiptoken.empty() ? s.query.deltatoken : s.query.skiptoken);
    if (!decoded || decoded->what != link_state::collection::events || decoded->mailbox != s.user.index)
      return error(400, "ErrorInvalidSyncStateData", "The sync state data is corrupt or otherwise invalid.");
    st = *decoded;
  } else {
    auto ws = parse_iso_time(s.query.start);
    auto we = parse_iso_time(s.query.end);
    if (s.query.start.empty() || s.query.end.empty())
      return error(400, "ErrorInvalidParameter",
                   "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    if (!ws || !we || *we <= *ws)
      return error(400, "ErrorInvalidParameter", "The parameters StartDateTime and EndDateTime must be valid dates, start before end.");
    st.what = link_state::collection::events;
    st.mailbox = s.user.index;
    st.window_start = *ws;
    st.window_end = *we;
  }
  mailbox& mb = s.w.mailbox_of(s.user.index);
  std::lock_guard<std::mutex> lock(mb.mutex);
  if (has_token && (st.generation != mb.generation || s.fault.sync_state_not_found)) {
    if (s.fault.sync_state_not_found)
      s.w.stats().fault("sync_state_not_found");
    return error(410, "syncStateNotFound", "The sync state generation is not found. Please resync without a delta token.");
  }
  calendar_store& cal = mb.calendar;
  if (st.upper == 0) {
    st.upper = cal.sequence();
    st.position = 0;
    st.generation = mb.generation;
  } else if (s.fault.replay && st.position > 0) {
    st.position -= std::min<uint64_t>(st.position, std::min<uint64_t>(s.prefs.page_size / 2, 5));
    s.w.stats().fault("replay_items");
  }
  std::vector<calendar_item> all = cal.round(st.since, st.upper, st.window_start, st.window_end);
  uint64_t begin = std::min<uint64_t>(st.position, all.size());
  uint64_t end = std::min<uint64_t>(begin + s.prefs.page_size, all.size());
  bool more = end < all.size();
  link_state after = st;
  std::string link = user_link_base(s) + "/calendarView/delta?";
  if (more) {
    after.position = end;
    link += "$skiptoken=" + s.w.links().encode(after);
  } else {
    after.since = st.upper;
    after.upper = 0;
    after.position = 0;
    link += "$deltatoken=" + s.w.links().encode(after);
  }
  sim_response r;
  r.body = "{\"@odata.context\":\"" + s.w.graph_url() + "/$metadata#Collection(event)\",";
  r.body += more ? "\"@odata.nextLink\":" : "\"@odata.deltaLink\":";
  json::append_string(r.body, link);
  r.body += ",\"value\":[";
  for (uint64_t i = begin; i < end; ++i) {
    if (i > begin)
      r.body.push_back(',');
    write_instance(r.body, s, cal, all[i], {});
  }
  r.body += "]}";
  finish(r, &s.prefs);
  return r;
}

std::string entity_context(const scope& s) {
  return s.w.graph_url() + "/$metadata#users('" + s.user.id + "')/events/$entity";
}

sim_response event_created(const scope& s, calendar_store& cal, uint32_t index, unsigned status) {
  sim_response r;
  r.status = status;
  auto e = cal.get(index);
  std::string id = s.w.ids().event_id(s.user.index, index, 0);
  std::string ck = cal.change_key(index);
  std::string ctx = entity_context(s);
  event_render how;
  how.id = id;
  how.change_key = ck;
  how.odata_context = ctx;
  how.pascal_online_meeting_quirk = s.w.faults()->doc_quirks && e->recurrence && status == 201;
  event_json::write(r.body, *e, how);
  r.headers.emplace_back("ETag", "W/\"" + ck + "\"");
  if (status == 201)
    r.headers.emplace_back("Location", user_link_base(s) + "/events('" + id + "')");
  finish(r, nullptr);
  return r;
}

sim_response events(const scope& s) {
  mailbox& mb = s.w.mailbox_of(s.user.index);
  calendar_store& cal = mb.calendar;
  const std::string& method = s.call.method;
  if (s.rest.size() == 1) {
    if (method != "POST")
      return error(405, "ErrorInvalidRequest", "The simulator supports POST on the events collection; use calendarView/delta to read.");
    event_fields e;
    if (auto st = apply_event_json(s.call.body, e, true); !st)
      return error(400, "ErrorInvalidRequest", st.message());
    std::lock_guard<std::mutex> lock(mb.mutex);
    if (!e.transaction_id.empty()) {
      int64_t existing = cal.find_transaction(e.transaction_id);
      if (existing >= 0 && !cal.deleted(static_cast<uint32_t>(existing))) {
        s.w.stats().duplicate_create_suppressed(s.user.upn);
        return event_created(s, cal, static_cast<uint32_t>(existing), 201);
      }
    }
    int64_t now = unix_now();
    e.organizer = {s.user.display_name, s.user.upn};
    e.is_organizer = true;
    e.created = now;
    e.modified = now;
    char uid[64];
    std::snprintf(uid, sizeof uid, "040000008200E00074C5B7101A82E008%016llX%08X",
                  static_cast<unsigned long long>(now), static_cast<unsigned>(cal.size() * 2654435761u + s.user.index));
    e.ical_uid = uid;
    uint32_t index = cal.create(std::move(e));
    return event_created(s, cal, index, 201);
  }
  auto d = s.w.ids().decode(s.rest[1]);
  if (!d || d->kind != 'e' || d->mailbox != s.user.index)
    return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  std::lock_guard<std::mutex> lock(mb.mutex);
  auto current = cal.get(d->item);
  if (!current)
    return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  std::string ck = cal.change_key(d->item);
  if (method == "GET") {
    sim_response r;
    calendar_item ci{d->item, d->sub, false};
    if (d->sub > 0) {
      event_instance in;
      if (!find_instance(*current, d->sub, in))
        return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }
    write_instance(r.body, s, cal, ci, entity_context(s));
    r.headers.emplace_back("ETag", "W/\"" + ck + "\"");
    finish(r, nullptr);
    return r;
  }
  if (d->sub > 0)
    return error(400, "ErrorInvalidRequest", "The simulator changes series and single events, not single occurrences.");
  if (!s.call.if_match.empty() && s.call.if_match != "*" && s.call.if_match != "W/\"" + ck + "\"" &&
      s.call.if_match != ck && s.call.if_match != "\"" + ck + "\"")
    return error(412, "ErrorIrresolvableConflict",
                 "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
  if (method == "PATCH") {
    event_fields e = *current;
    if (auto st = apply_event_json(s.call.body, e, false); !st)
      return error(400, "ErrorInvalidRequest", st.message());
    e.modified = unix_now();
    cal.replace(d->item, std::move(e));
    return event_created(s, cal, d->item, 200);
  }
  if (method == "DELETE") {
    cal.remove(d->item);
    sim_response r;
    r.status = 204;
    r.content_type.clear();
    finish(r, nullptr);
    return r;
  }
  return error(405, "ErrorInvalidRequest", "Specified HTTP method is not allowed for the request target.");
}

void write_user(std::string& out, const user_info& ui) {
  out.push_back('{');
  json::append_member(out, "id", ui.id);
  out.push_back(',');
  json::append_member(out, "displayName", ui.display_name);
  out.push_back(',');
  json::append_member(out, "userPrincipalName", ui.upn);
  out.push_back(',');
  json::append_member(out, "mail", ui.upn);
  out.append(",\"businessPhones\":[],\"givenName\":");
  json::append_string(out, ui.display_name.substr(0, ui.display_name.find(' ')));
  out.append(",\"surname\":");
  json::append_string(out, ui.display_name.substr(ui.display_name.find(' ') + 1));
  out.append(",\"jobTitle\":null,\"mobilePhone\":null,\"officeLocation\":null,\"preferredLanguage\":\"en-US\"}");
}

sim_response users_list(world& w, const tenant_info& t) {
  sim_response r;
  r.body = "{\"@odata.context\":\"" + w.graph_url() + "/$metadata#users\",\"value\":[";
  for (uint32_t u = 0; u < t.user_count; ++u) {
    if (u)
      r.body.push_back(',');
    write_user(r.body, w.data().users()[t.first_user + u]);
  }
  r.body += "]}";
  finish(r, nullptr);
  return r;
}

sim_response user_get(world& w, const user_info& ui) {
  sim_response r;
  std::string obj;
  write_user(obj, ui);
  r.body = "{\"@odata.context\":\"" + w.graph_url() + "/$metadata#users/$entity\"," + obj.substr(1);
  finish(r, nullptr);
  return r;
}

/// The graph_call for a Beast request.
graph_call call_of(const http_request& req) {
  graph_call c;
  c.method = std::string(req.method_string());
  c.target = std::string(req.target());
  c.authorization = std::string(req[http::field::authorization]);
  auto [first, last] = req.equal_range(http::field::prefer);
  for (auto it = first; it != last; ++it) {
    if (!c.prefer.empty())
      c.prefer += ",";
    c.prefer += std::string(it->value());
  }
  c.if_match = std::string(req[http::field::if_match]);
  c.body = req.body();
  return c;
}

} // namespace

sim_response graph_api::handle(const http_request& req) {
  graph_call c = call_of(req);
  sim_response r;
  std::string_view path = c.target.substr(0, c.target.find('?'));
  if (ieq(path, "/v1.0/$batch"))
    r = batch(c);
  else
    r = execute(c, false);
  return r;
}

sim_response graph_api::execute(const graph_call& c, bool in_batch) {
  auto parsed = boost::urls::parse_origin_form(c.target);
  if (!parsed)
    return error(400, "BadRequest", "Invalid request URL.");
  boost::urls::url_view url = *parsed;
  std::vector<std::string> segs;
  for (auto seg : url.segments())
    segs.emplace_back(seg);
  if (segs.empty() || segs[0] != "v1.0")
    return error(404, "UnknownError", "Resource not found for the segment.");

  // -- authentication --
  access_claims claims;
  token_check check = world_.id_platform().validate(c.authorization, claims);
  if (check != token_check::ok) {
    const char* msg = check == token_check::missing ? "Access token is empty."
                    : check == token_check::expired ? "Lifetime validation failed, the token is expired."
                    : check == token_check::bad_signature ? "Access token validation failure. Invalid signature."
                                                          : "IDX14100: JWT is not well formed.";
    sim_response r = error(401, "InvalidAuthenticationToken", msg);
    r.headers.emplace_back("WWW-Authenticate",
                           "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"");
    world_.stats().request("", "", 401);
    return r;
  }
  const tenant_info* tenant = world_.data().find_tenant(claims.tid);
  if (!tenant) {
    world_.stats().request("", "", 401);
    return error(401, "InvalidAuthenticationToken", "Access token validation failure. Unknown tenant.");
  }
  auto faults = world_.faults();
  if (faults->outage_tenants.count(tenant->slug)) {
    world_.stats().fault("outage");
    world_.stats().request(tenant->slug, "", 503);
    sim_response r = error(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.");
    r.headers.emplace_back("Retry-After", seconds_text(faults->retry_after_seconds.front()));
    return r;
  }
  query_params query = parse_query(url);
  preferences prefs = parse_prefer(c.prefer);
  if (segs.size() >= 2 && ieq(segs[1], "me")) {
    world_.stats().request(tenant->slug, "", 400);
    return error(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  if (segs.size() < 2 || !ieq(segs[1], "users")) {
    world_.stats().request(tenant->slug, "", 400);
    return error(400, "BadRequest", "Resource not found for the segment '" + (segs.size() > 1 ? segs[1] : std::string()) + "'.");
  }
  if (segs.size() == 2) {
    world_.stats().request(tenant->slug, "", 200);
    return users_list(world_, *tenant);
  }
  const user_info* user = world_.data().find_user(segs[2]);
  if (user && user->tenant != tenant->index) {
    // A token of tenant A used on tenant B's mailbox.
    world_.stats().wrong_tenant_token(tenant->slug);
    world_.stats().request(tenant->slug, user->upn, 401);
    return error(401, "InvalidAuthenticationToken", "Access token validation failure. The token's tenant does not own the requested mailbox.");
  }
  if (!user) {
    world_.stats().request(tenant->slug, "", 404);
    return error(404, "ErrorInvalidUser", "The requested user '" + segs[2] + "' is invalid.");
  }

  // -- throttling and faults, per (app, mailbox) --
  throttle::admission adm = world_.limits().admit(claims.appid, user->upn);
  world_.stats().concurrency(user->upn, adm.attempted_concurrency);
  if (adm.early)
    world_.stats().early_request(user->upn);
  if (!adm.allowed) {
    world_.stats().request(tenant->slug, user->upn, 429);
    return throttled(adm.retry_after_s, true,
                     adm.concurrency_limited ? "Application is over its MailboxConcurrency limit."
                                             : "Application is over its MailboxRequests limit.");
  }
  std::string appid = claims.appid;
  std::string upn = user->upn;
  world& w = world_;
  std::shared_ptr<void> slot(nullptr, [&w, appid, upn](void*) { w.limits().release(appid, upn); });

  mailbox& mb = world_.mailbox_of(user->index);
  bool has_link = !query.skiptoken.empty() || !query.deltatoken.empty();
  fault_decision fault = faults->decide(world_.options().seed, user->index, mb.requests.fetch_add(1), has_link);
  if (in_batch && (fault.what == fault_decision::kind::reset || fault.what == fault_decision::kind::truncate))
    fault.what = fault_decision::kind::none; // connection faults hit the batch as a whole, not an item
  using K = fault_decision::kind;
  if (fault.what == K::throttle || fault.what == K::throttle_no_retry_after) {
    world_.stats().fault(to_string(fault.what));
    world_.stats().request(tenant->slug, user->upn, 429);
    bool with = fault.what == K::throttle;
    if (with)
      world_.limits().told_to_wait(appid, upn, fault.retry_after_s);
    sim_response r = throttled(fault.retry_after_s, with);
    r.release = slot;
    return r;
  }
  if (fault.what == K::http_500 || fault.what == K::http_502 || fault.what == K::http_503 || fault.what == K::http_504) {
    world_.stats().fault(to_string(fault.what));
    unsigned status = fault.what == K::http_500 ? 500 : fault.what == K::http_502 ? 502 : fault.what == K::http_503 ? 503 : 504;
    const char* code = status == 500 ? "InternalServerError" : status == 502 ? "BadGateway"
                     : status == 503 ? "ServiceUnavailable" : "GatewayTimeout";
    sim_response r = error(status, code, "The service encountered a transient error. Please retry.");
    if (status == 503) {
      r.headers.emplace_back("Retry-After", seconds_text(fault.retry_after_s));
      world_.limits().told_to_wait(appid, upn, fault.retry_after_s);
    }
    world_.stats().request(tenant->slug, user->upn, status);
    r.release = slot;
    return r;
  }

  scope s{world_, *user, *tenant, c, url, query, prefs, fault, {}};
  for (size_t i = 3; i < segs.size(); ++i)
    s.rest.push_back(segs[i]);
  sim_response r;
  auto& rest = s.rest;
  auto seg_is = [&](size_t i, std::string_view name) { return rest.size() > i && ieq(rest[i], name); };
  if (rest.empty()) {
    r = c.method == "GET" ? user_get(world_, *user)
                          : error(405, "ErrorInvalidRequest", "Specified HTTP method is not allowed for the request target.");
  } else if (seg_is(0, "mailFolders") && rest.size() == 1 && c.method == "GET") {
    r = folders(s, std::nullopt);
  } else if (seg_is(0, "mailFolders") && rest.size() == 2 && c.method == "GET") {
    auto f = resolve_folder(s, rest[1]);
    r = f ? folders(s, f) : error(404, "ErrorInvalidIdMalformed", "Id is malformed.");
  } else if (seg_is(0, "mailFolders") && rest.size() == 4 && seg_is(2, "messages") && seg_is(3, "delta") && c.method == "GET") {
    auto f = resolve_folder(s, rest[1]);
    r = f ? message_delta(s, f) : error(404, "ErrorInvalidIdMalformed", "Id is malformed.");
  } else if (rest.size() == 3 && rest[0].size() > 14 && ieq(rest[0].substr(0, 12), "mailFolders(") &&
             seg_is(1, "messages") && seg_is(2, "delta") && c.method == "GET") {
    std::string_view inner = rest[0].substr(12);
    inner.remove_suffix(1); // ')'
    if (!inner.empty() && inner.front() == '\'' && inner.back() == '\'')
      inner = inner.substr(1, inner.size() - 2);
    auto f = resolve_folder(s, inner);
    r = f ? message_delta(s, f) : error(404, "ErrorInvalidIdMalformed", "Id is malformed.");
  } else if (seg_is(0, "messages") && rest.size() == 2 && c.method == "GET") {
    r = message_get(s, rest[1]);
  } else if (seg_is(0, "calendarView") && seg_is(1, "delta") && rest.size() == 2 && c.method == "GET") {
    r = calendar_delta(s);
  } else if (seg_is(0, "events") && rest.size() <= 2) {
    r = events(s);
  } else {
    r = error(400, "BadRequest", "Resource not found for the segment '" + std::string(rest[0]) + "'.");
  }
  if (fault.what == K::reset || fault.what == K::truncate) {
    world_.stats().fault(to_string(fault.what));
    r.how = fault.what == K::reset ? sim_response::delivery::reset : sim_response::delivery::truncate;
  }
  if (fault.latency_ms) {
    world_.stats().fault("latency");
    r.latency_ms = fault.latency_ms;
  }
  world_.stats().request(tenant->slug, user->upn, r.status);
  r.release = slot;
  return r;
}

sim_response graph_api::batch(const graph_call& outer) {
  if (outer.method != "POST")
    return error(405, "BadRequest", "Specified HTTP method is not allowed for the request target.");
  access_claims claims;
  if (world_.id_platform().validate(outer.authorization, claims) != token_check::ok) {
    world_.stats().request("", "", 401);
    return error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(outer.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("requests") || !v.as_object().at("requests").is_array())
    return error(400, "BadRequest", "Invalid batch payload format.");
  auto& reqs = v.as_object().at("requests").as_array();
  if (reqs.empty() || reqs.size() > max_batch_items)
    return error(400, "BadRequest", "Number of requests in a batch must be between 1 and 20.");
  std::string out = "{\"responses\":[";
  bool first = true;
  for (auto& item : reqs) {
    if (!item.is_object())
      return error(400, "BadRequest", "Invalid batch payload format.");
    auto& o = item.as_object();
    auto str = [&](const char* k) {
      auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    std::string id = str("id");
    std::string method = str("method");
    std::string u = str("url");
    if (id.empty() || method.empty() || u.empty())
      return error(400, "BadRequest", "Each batch request needs an id, a method and a url.");
    for (auto& ch : method)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    graph_call c;
    c.method = method;
    c.target = "/v1.0" + (u.front() == '/' ? u : "/" + u);
    c.authorization = outer.authorization;
    c.prefer = outer.prefer;
    if (auto* h = o.if_contains("headers"); h && h->is_object()) {
      for (auto& hk : h->as_object()) {
        if (!hk.value().is_string())
          continue;
        std::string name(hk.key());
        if (ieq(name, "Prefer"))
          c.prefer = std::string(hk.value().as_string());
        else if (ieq(name, "If-Match"))
          c.if_match = std::string(hk.value().as_string());
        else if (ieq(name, "Authorization"))
          c.authorization = std::string(hk.value().as_string());
      }
    }
    if (auto* b = o.if_contains("body"))
      c.body = boost::json::serialize(*b);
    sim_response r = execute(c, true);
    r.release.reset(); // an item's throttle slot ends when the item is done
    if (!first)
      out.push_back(',');
    first = false;
    out.append("{");
    json::append_member(out, "id", id);
    out.append(",\"status\":" + std::to_string(r.status) + ",\"headers\":{");
    bool fh = true;
    if (!r.content_type.empty()) {
      json::append_member(out, "Content-Type", r.content_type);
      fh = false;
    }
    for (auto& [k, val] : r.headers) {
      if (!fh)
        out.push_back(',');
      fh = false;
      json::append_member(out, k, val);
    }
    out.push_back('}');
    if (!r.body.empty()) {
      out.append(",\"body\":");
      out.append(r.body);
    }
    out.push_back('}');
  }
  out.append("]}");
  sim_response r;
  r.body = std::move(out);
  r.content_type = "application/json";
  finish(r, nullptr);
  return r;
}

sim_response graph_api::handle_token(const http_request& req, std::string_view tenant) {
  auto faults = world_.faults();
  const tenant_info* t = world_.data().find_tenant(tenant);
  if (t && faults->outage_tenants.count(t->slug)) {
    world_.stats().fault("outage");
    sim_response r;
    r.status = 503;
    r.content_type = "application/json";
    r.body = "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90033: A transient error has occurred. Please try again.\",\"error_codes\":[90033]}";
    r.headers.emplace_back("Retry-After", seconds_text(faults->retry_after_seconds.front()));
    return r;
  }
  if (req.method() != http::verb::post) {
    sim_response r;
    r.status = 405;
    r.content_type = "application/json";
    r.body = "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900561: The endpoint only accepts POST requests.\",\"error_codes\":[900561]}";
    return r;
  }
  std::string token_url = world_.base_url() + std::string(req.target().substr(0, req.target().find('?')));
  token_response tr = world_.id_platform().issue(tenant, req.body(), token_url, *faults, world_.options().token_lifetime_s);
  if (tr.status == 200)
    world_.stats().token_issued(tr.tenant_slug);
  else
    world_.stats().token_error(tr.tenant_slug.empty() ? std::string(tenant) : tr.tenant_slug, tr.error_code);
  sim_response r;
  r.status = tr.status;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(tr.body);
  r.headers.emplace_back("Cache-Control", "no-store, no-cache");
  r.headers.emplace_back("Pragma", "no-cache");
  return r;
}

} // namespace m365::sim
