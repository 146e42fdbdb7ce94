#include "sim/control_api.hpp"

#include <boost/json.hpp>

#include "sim/event_request.hpp"
#include "sim/json_text.hpp"
#include "sim/seed_hash.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace http = boost::beast::http;

namespace {

sim_response answer(unsigned status, std::string body) {
  sim_response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

sim_response fail(unsigned status, std::string_view code, std::string_view message) {
  std::string b = "{\"error\":{";
  json::append_member(b, "code", code);
  b.push_back(',');
  json::append_member(b, "message", message);
  b.append("}}");
  return answer(status, std::move(b));
}

std::optional<uint16_t> folder_named(std::string_view name) {
  for (uint16_t f = 0; f < folder_count; ++f)
    if (folder_well_known_name(f) == name)
      return f;
  return std::nullopt;
}

std::string str_of(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

email_address address_of(const boost::json::value& v) {
  email_address a;
  if (v.is_object()) {
    a.name = str_of(v.as_object(), "name");
    a.address = str_of(v.as_object(), "address");
  }
  return a;
}

} // namespace

sim_response control_api::handle(const http_request& req) {
  std::string target(req.target());
  std::string path = target.substr(0, target.find('?'));
  std::vector<std::string> segs;
  for (size_t pos = 1; pos <= path.size();) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos)
      next = path.size();
    if (next > pos)
      segs.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  // segs[0] == "_sim"
  auto method = req.method();
  if (segs.size() == 2 && segs[1] == "manifest" && method == http::verb::get)
    return answer(200, world_.manifest_json());
  if (segs.size() == 2 && segs[1] == "counters" && method == http::verb::get)
    return answer(200, world_.stats().to_json());
  if (segs.size() == 3 && segs[1] == "counters" && segs[2] == "reset" && method == http::verb::post) {
    world_.stats().reset();
    return answer(200, "{\"reset\":true}");
  }
  if (segs.size() == 2 && segs[1] == "faults") {
    if (method == http::verb::get)
      return answer(200, world_.faults()->to_json());
    if (method == http::verb::put || method == http::verb::post) {
      auto p = fault_profile::parse(req.body());
      if (!p)
        return fail(400, "invalidFaultProfile", p.error().message());
      world_.set_faults(std::move(*p));
      return answer(200, world_.faults()->to_json());
    }
  }
  if (segs.size() == 2 && segs[1] == "throttle" && (method == http::verb::put || method == http::verb::post)) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body(), ec);
    if (ec || !v.is_object())
      return fail(400, "invalidBody", "expected a JSON object");
    auto& o = v.as_object();
    auto num = [&](const char* k, double def) {
      auto* x = o.if_contains(k);
      return x && x->is_number() ? x->to_number<double>() : def;
    };
    double c = num("max_concurrent", 4), m = num("max_requests", 10000), wnd = num("window_s", 600);
    if (c < 1 || m < 1 || wnd < 1)
      return fail(400, "invalidBody", "limits must be >= 1");
    world_.limits().set_limits(static_cast<unsigned>(c), static_cast<uint32_t>(m), static_cast<int64_t>(wnd));
    return answer(200, "{\"max_concurrent\":" + std::to_string(static_cast<unsigned>(c)) + ",\"max_requests\":" +
                         std::to_string(static_cast<uint32_t>(m)) + ",\"window_s\":" + std::to_string(static_cast<int64_t>(wnd)) + "}");
  }
  if (segs.size() == 4 && segs[1] == "tenants" && segs[3] == "revoke_tokens" && method == http::verb::post) {
    const tenant_info* t = world_.data().find_tenant_by_slug(segs[2]);
    if (!t)
      return fail(404, "tenantNotFound", "no tenant '" + segs[2] + "'");
    uint64_t after = 0;
    if (!req.body().empty()) {
      boost::system::error_code ec;
      auto v = boost::json::parse(req.body(), ec);
      const boost::json::value* n = !ec && v.is_object() ? v.as_object().if_contains("after_requests") : nullptr;
      if (ec || !v.is_object() || (n && !(n->is_uint64() || (n->is_int64() && n->as_int64() >= 0))))
        return fail(400, "invalidBody", "expected {\"after_requests\": N} with N >= 0");
      if (n)
        after = n->to_number<uint64_t>();
    }
    world_.revocations().schedule(t->index, after, world_.id_platform().next_serial());
    return answer(200, "{\"tenant\":\"" + t->slug + "\",\"after_requests\":" + std::to_string(after) + "}");
  }
  if (segs.size() >= 4 && segs[1] == "mailboxes") {
    const user_info* u = world_.data().find_user(segs[2]);
    if (!u)
      return fail(404, "userNotFound", "no mailbox '" + segs[2] + "'");
    std::vector<std::string> rest(segs.begin() + 3, segs.end());
    if (rest.size() == 1 && rest[0] == "truth" && method == http::verb::get)
      return truth(u->index);
    return mailbox_call(req, u->index, rest);
  }
  return fail(404, "routeNotFound", "no /_sim/ route for " + std::string(req.method_string()) + " " + path);
}

sim_response control_api::truth(uint32_t user) {
  mailbox& mb = world_.mailbox_of(user);
  std::lock_guard<std::mutex> lock(mb.mutex);
  const user_info& u = world_.data().users()[user];
  std::string out = "{";
  json::append_member(out, "user", u.id);
  out.push_back(',');
  json::append_member(out, "upn", u.upn);
  out.push_back(',');
  json::append_member(out, "tenant", world_.data().tenants()[u.tenant].slug);
  out.append(",\"messages\":[");
  bool first = true;
  for (uint32_t i = 0; i < mb.messages.size(); ++i) {
    message_truth t = mb.messages.truth(i);
    if (t.deleted)
      continue;
    if (!first)
      out.push_back(',');
    first = false;
    out.push_back('{');
    json::append_member(out, "id", mb.messages.id_of(i, t.folder, false));
    out.push_back(',');
    json::append_member(out, "immutable_id", mb.messages.id_of(i, t.folder, true));
    out.push_back(',');
    json::append_member(out, "internet_message_id", t.internet_message_id);
    out.push_back(',');
    json::append_member(out, "folder", folder_well_known_name(t.folder));
    out.push_back(',');
    json::append_member(out, "subject", t.subject);
    out.push_back(',');
    json::append_member(out, "is_read", t.is_read);
    out.push_back('}');
  }
  out.append("],\"events\":[");
  first = true;
  for (uint32_t i = 0; i < mb.calendar.size(); ++i) {
    auto e = mb.calendar.get(i);
    if (!e)
      continue;
    if (!first)
      out.push_back(',');
    first = false;
    out.push_back('{');
    json::append_member(out, "id", world_.ids().event_id(user, i, 0));
    out.push_back(',');
    json::append_member(out, "ical_uid", e->ical_uid);
    out.push_back(',');
    json::append_member(out, "subject", e->subject);
    out.push_back(',');
    json::append_member(out, "type", e->recurrence ? "seriesMaster" : "singleInstance");
    out.push_back(',');
    json::append_member(out, "start", format_utc_z(e->start));
    out.push_back(',');
    json::append_member(out, "end", format_utc_z(e->end));
    out.push_back(',');
    json::append_member(out, "sensitivity", e->sensitivity);
    out.push_back(',');
    if (e->transaction_id.empty())
      json::append_null_member(out, "transaction_id");
    else
      json::append_member(out, "transaction_id", e->transaction_id);
    out.push_back(',');
    json::append_member(out, "change_key", mb.calendar.change_key(i));
    out.push_back('}');
  }
  out.append("]}");
  return answer(200, std::move(out));
}

sim_response control_api::mailbox_call(const http_request& req, uint32_t user, const std::vector<std::string>& rest) {
  mailbox& mb = world_.mailbox_of(user);
  auto method = req.method();
  int64_t now = unix_now();
  boost::json::object body;
  if (!req.body().empty() && method != http::verb::delete_) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body(), ec);
    if (ec || !v.is_object())
      return fail(400, "invalidBody", "expected a JSON object");
    body = v.as_object();
  }
  auto message_reply = [&](unsigned status, uint32_t index) {
    const message_record* r = mb.messages.find(index);
    std::string out = "{";
    json::append_member(out, "id", mb.messages.id_of(index, r->folder, false));
    out.push_back(',');
    json::append_member(out, "immutable_id", mb.messages.id_of(index, r->folder, true));
    out.push_back(',');
    json::append_member(out, "internet_message_id", mb.messages.fields_of(index).internet_message_id);
    out.push_back(',');
    json::append_member(out, "folder", folder_well_known_name(r->folder));
    out.push_back('}');
    return answer(status, std::move(out));
  };
  auto message_index = [&](const std::string& id) -> std::optional<uint32_t> {
    auto d = world_.ids().decode(id);
    if (!d || (d->kind != 'm' && d->kind != 'i') || d->mailbox != user || d->item >= mb.messages.size())
      return std::nullopt;
    return d->item;
  };

  if (rest[0] == "invalidate" && rest.size() == 1 && method == http::verb::post) {
    std::lock_guard<std::mutex> lock(mb.mutex);
    ++mb.generation;
    return answer(200, "{\"generation\":" + std::to_string(mb.generation) + "}");
  }
  if (rest[0] == "messages") {
    std::lock_guard<std::mutex> lock(mb.mutex);
    if (rest.size() == 1 && method == http::verb::post) {
      message_fields m;
      std::string folder_name = body.contains("folder") ? str_of(body, "folder") : "inbox";
      auto folder = folder_named(folder_name);
      if (!folder)
        return fail(400, "invalidFolder", "unknown folder '" + folder_name + "'");
      const user_info& u = world_.data().users()[user];
      m.subject = str_of(body, "subject");
      m.from = body.contains("from") ? address_of(body.at("from")) : email_address{u.display_name, u.upn};
      if (auto* to = body.if_contains("to"); to && to->is_array())
        for (auto& a : to->as_array())
          m.to.push_back(address_of(a));
      if (m.to.empty())
        m.to.push_back({u.display_name, u.upn});
      m.body_html = body.contains("body") ? str_of(body, "body") : std::string("<html><body></body></html>");
      m.internet_message_id = str_of(body, "internet_message_id");
      if (m.internet_message_id.empty())
        m.internet_message_id = "<sim-" + std::to_string(hash_of({world_.data().seed(), user, mb.messages.size(),
                                                                   static_cast<uint64_t>(now)})) + "@" +
                                m.from.address.substr(m.from.address.find('@') + 1) + ">";
      m.conversation_id = str_of(body, "conversation_id");
      if (m.conversation_id.empty())
        m.conversation_id = "AAQkADsim" + std::to_string(mb.messages.size());
      if (auto* r = body.if_contains("is_read"); r && r->is_bool())
        m.is_read = r->as_bool();
      if (auto* c = body.if_contains("categories"); c && c->is_array())
        for (auto& x : c->as_array())
          if (x.is_string())
            m.categories.emplace_back(x.as_string());
      if (body.contains("importance"))
        m.importance = str_of(body, "importance");
      uint32_t index = mb.messages.add(std::move(m), *folder, now);
      return message_reply(201, index);
    }
    if (rest.size() >= 2) {
      auto index = message_index(rest[1]);
      if (!index)
        return fail(404, "messageNotFound", "no message '" + rest[1] + "' in this mailbox");
      const message_record* rec = mb.messages.find(*index);
      if (rec->deleted)
        return fail(404, "messageNotFound", "message was deleted");
      if (rest.size() == 2 && method == http::verb::patch) {
        bool ok = mb.messages.update(*index, [&](message_fields& f) {
          if (body.contains("subject"))
            f.subject = str_of(body, "subject");
          if (auto* r = body.if_contains("is_read"); r && r->is_bool())
            f.is_read = r->as_bool();
          if (auto* c = body.if_contains("categories"); c && c->is_array()) {
            f.categories.clear();
            for (auto& x : c->as_array())
              if (x.is_string())
                f.categories.emplace_back(x.as_string());
          }
          if (body.contains("importance"))
            f.importance = str_of(body, "importance");
          if (body.contains("flag_status"))
            f.flag_status = str_of(body, "flag_status");
        }, now);
        if (!ok)
          return fail(404, "messageNotFound", "message was deleted");
        return message_reply(200, *index);
      }
      if (rest.size() == 3 && rest[2] == "move" && method == http::verb::post) {
        auto folder = folder_named(str_of(body, "folder"));
        if (!folder)
          return fail(400, "invalidFolder", "unknown folder '" + str_of(body, "folder") + "'");
        mb.messages.move(*index, *folder, now);
        return message_reply(200, *index);
      }
      if (rest.size() == 2 && method == http::verb::delete_) {
        mb.messages.remove(*index);
        sim_response r = answer(204, "");
        r.content_type.clear();
        return r;
      }
    }
  }
  if (rest[0] == "events") {
    std::lock_guard<std::mutex> lock(mb.mutex);
    if (rest.size() == 1 && method == http::verb::post) {
      event_fields e;
      if (auto st = apply_event_json(req.body(), e, true); !st)
        return fail(400, "invalidEvent", st.message());
      const user_info& u = world_.data().users()[user];
      if (e.organizer.address.empty())
        e.organizer = {u.display_name, u.upn};
      e.created = now;
      e.modified = now;
      e.ical_uid = "040000008200E00074C5B7101A82E008SIM" + std::to_string(hash_of({world_.data().seed(), user, mb.calendar.size()}));
      uint32_t index = mb.calendar.create(std::move(e));
      std::string out = "{";
      json::append_member(out, "id", world_.ids().event_id(user, index, 0));
      out.push_back(',');
      json::append_member(out, "ical_uid", mb.calendar.get(index)->ical_uid);
      out.push_back('}');
      return answer(201, std::move(out));
    }
    if (rest.size() == 2) {
      auto d = world_.ids().decode(rest[1]);
      if (!d || d->kind != 'e' || d->mailbox != user || !mb.calendar.get(d->item))
        return fail(404, "eventNotFound", "no event '" + rest[1] + "' in this mailbox");
      if (method == http::verb::patch) {
        event_fields e = *mb.calendar.get(d->item);
        if (auto st = apply_event_json(req.body(), e, false); !st)
          return fail(400, "invalidEvent", st.message());
        e.modified = now;
        mb.calendar.replace(d->item, std::move(e));
        std::string out = "{";
        json::append_member(out, "id", rest[1]);
        out.push_back(',');
        json::append_member(out, "change_key", mb.calendar.change_key(d->item));
        out.push_back('}');
        return answer(200, std::move(out));
      }
      if (method == http::verb::delete_) {
        mb.calendar.remove(d->item);
        sim_response r = answer(204, "");
        r.content_type.clear();
        return r;
      }
    }
  }
  return fail(404, "routeNotFound", "no /_sim/ mailbox route for " + std::string(req.method_string()));
}

} // namespace m365::sim
