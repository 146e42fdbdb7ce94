#include "sim/mail_routes.hpp"

#include <algorithm>

#include "sim/json_text.hpp"
#include "sim/message_json.hpp"
#include "sim/page_buffers.hpp"

namespace m365::sim {

std::optional<uint16_t> resolve_folder(const graph_scope& s, std::string_view name) {
  for (uint16_t f = 0; f < folder_count; ++f)
    if (iequals(name, folder_well_known_name(f)))
      return f;
  if (auto d = s.w.ids().decode(name); d && d->kind == 'f' && d->mailbox == s.user.index && d->item < folder_count)
    return static_cast<uint16_t>(d->item);
  return std::nullopt;
}

sim_response message_delta(const graph_scope& s, std::optional<uint16_t> folder_from_path) {
  const fault_profile& faults = *s.w.faults();
  link_state st;
  bool has_token = !s.query.skiptoken.empty() || !s.query.deltatoken.empty();
  if (has_token) {
    auto decoded = s.w.links().decode(s.query.skiptoken.empty() ? s.query.deltatoken : s.query.skiptoken);
    if (!decoded || decoded->what != link_state::collection::messages || decoded->mailbox != s.user.index)
      return graph_error_response(400, "ErrorInvalidSyncStateData", "The sync state data is corrupt or otherwise invalid.");
    st = *decoded;
    if (folder_from_path && *folder_from_path != st.folder)
      return graph_error_response(400, "ErrorInvalidSyncStateData", "The sync state does not belong to this folder.");
  } else {
    if (!folder_from_path)
      return graph_error_response(404, "ErrorInvalidIdMalformed", "Id is malformed.");
    st.what = link_state::collection::messages;
    st.mailbox = s.user.index;
    st.folder = *folder_from_path;
    if (s.query.has_select) {
      auto mask = message_json::parse_select(s.query.select);
      if (!mask)
        return graph_error_response(400, "RequestBroker--ParseUri", mask.error().message());
      st.select = *mask;
    }
    if (!s.query.change_type.empty()) {
      if (iequals(s.query.change_type, "created")) st.change_filter = 1;
      else if (iequals(s.query.change_type, "updated")) st.change_filter = 2;
      else if (iequals(s.query.change_type, "deleted")) st.change_filter = 3;
      else
        return graph_error_response(400, "ErrorInvalidUrlQuery", "The value of changeType must be created, updated or deleted.");
    }
  }
  mailbox& mb = s.w.mailbox_of(s.user.index);
  std::vector<delta_item> items;
  std::string body = page_buffers::take();
  std::lock_guard<std::mutex> lock(mb.mutex);
  if (has_token && (st.generation != mb.generation || s.fault.sync_state_not_found)) {
    if (s.fault.sync_state_not_found)
      s.w.stats().fault("sync_state_not_found");
    return graph_error_response(410, "syncStateNotFound", "The sync state generation is not found. Please resync without a delta token.");
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
  finish_response(r, &s.prefs);
  return r;
}

sim_response message_get(const graph_scope& s, std::string_view id) {
  auto d = s.w.ids().decode(id);
  if (!d || (d->kind != 'm' && d->kind != 'i') || d->mailbox != s.user.index)
    return graph_error_response(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  mailbox& mb = s.w.mailbox_of(s.user.index);
  std::lock_guard<std::mutex> lock(mb.mutex);
  const message_record* found = mb.messages.find(d->item);
  if (!found || found->deleted || (d->kind == 'm' && d->sub != found->folder))
    return graph_error_response(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  uint64_t mask = 0;
  if (s.query.has_select) {
    auto m = message_json::parse_select(s.query.select);
    if (!m)
      return graph_error_response(400, "RequestBroker--ParseUri", m.error().message());
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
  finish_response(r, &s.prefs);
  return r;
}

sim_response mail_folders(const graph_scope& s, std::optional<uint16_t> only) {
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
  finish_response(r, &s.prefs);
  return r;
}

} // namespace m365::sim
