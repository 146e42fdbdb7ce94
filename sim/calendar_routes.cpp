#include "sim/calendar_routes.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/event_json.hpp"
#include "sim/event_request.hpp"
#include "sim/json_text.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

void write_instance(std::string& out, const graph_scope& s, calendar_store& cal, const calendar_item& ci,
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

} // namespace

sim_response calendar_delta(const graph_scope& s) {
  link_state st;
  bool has_token = !s.query.skiptoken.empty() || !s.query.deltatoken.empty();
  if (has_token) {
    auto decoded = s.w.links().decode(s.query.skiptoken.empty() ? s.query.deltatoken : s.query.skiptoken);
    if (!decoded || decoded->what != link_state::collection::events || decoded->mailbox != s.user.index)
      return graph_error_response(400, "ErrorInvalidSyncStateData", "The sync state data is corrupt or otherwise invalid.");
    st = *decoded;
  } else {
    auto ws = parse_iso_time(s.query.start);
    auto we = parse_iso_time(s.query.end);
    if (s.query.start.empty() || s.query.end.empty())
      return graph_error_response(400, "ErrorInvalidParameter",
                   "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    if (!ws || !we || *we <= *ws)
      return graph_error_response(400, "ErrorInvalidParameter", "The parameters StartDateTime and EndDateTime must be valid dates, start before end.");
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
    return graph_error_response(410, "syncStateNotFound", "The sync state generation is not found. Please resync without a delta token.");
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
  finish_response(r, &s.prefs);
  return r;
}

namespace {

std::string entity_context(const graph_scope& s) {
  return s.w.graph_url() + "/$metadata#users('" + s.user.id + "')/events/$entity";
}

sim_response event_created(const graph_scope& s, calendar_store& cal, uint32_t index, unsigned status) {
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
  finish_response(r, nullptr);
  return r;
}

} // namespace

sim_response event_routes(const graph_scope& s) {
  mailbox& mb = s.w.mailbox_of(s.user.index);
  calendar_store& cal = mb.calendar;
  const std::string& method = s.call.method;
  if (s.rest.size() == 1) {
    if (method != "POST")
      return graph_error_response(405, "ErrorInvalidRequest", "The simulator supports POST on the events collection; use calendarView/delta to read.");
    event_fields e;
    if (auto st = apply_event_json(s.call.body, e, true); !st)
      return graph_error_response(400, "ErrorInvalidRequest", st.message());
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
    return graph_error_response(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  std::lock_guard<std::mutex> lock(mb.mutex);
  auto current = cal.get(d->item);
  if (!current)
    return graph_error_response(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  std::string ck = cal.change_key(d->item);
  if (method == "GET") {
    sim_response r;
    calendar_item ci{d->item, d->sub, false};
    if (d->sub > 0) {
      event_instance in;
      if (!find_instance(*current, d->sub, in))
        return graph_error_response(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }
    write_instance(r.body, s, cal, ci, entity_context(s));
    r.headers.emplace_back("ETag", "W/\"" + ck + "\"");
    finish_response(r, nullptr);
    return r;
  }
  if (d->sub > 0)
    return graph_error_response(400, "ErrorInvalidRequest", "The simulator changes series and single events, not single occurrences.");
  if (!s.call.if_match.empty() && s.call.if_match != "*" && s.call.if_match != "W/\"" + ck + "\"" &&
      s.call.if_match != ck && s.call.if_match != "\"" + ck + "\"")
    return graph_error_response(412, "ErrorIrresolvableConflict",
                 "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
  if (method == "PATCH") {
    event_fields e = *current;
    if (auto st = apply_event_json(s.call.body, e, false); !st)
      return graph_error_response(400, "ErrorInvalidRequest", st.message());
    e.modified = unix_now();
    cal.replace(d->item, std::move(e));
    return event_created(s, cal, d->item, 200);
  }
  if (method == "DELETE") {
    cal.remove(d->item);
    sim_response r;
    r.status = 204;
    r.content_type.clear();
    finish_response(r, nullptr);
    return r;
  }
  return graph_error_response(405, "ErrorInvalidRequest", "Specified HTTP method is not allowed for the request target.");
}

} // namespace m365::sim
