#include "apps/m365sync/activity_json.hpp"

#include <boost/json.hpp>

#include "adapters/graph_time.hpp"

namespace m365::cli {

namespace json = boost::json;

namespace {

json::object person(const participant& p) {
  return {{"name", p.name}, {"address", p.address}};
}

json::array people(const std::vector<participant>& list) {
  json::array out;
  for (const auto& p : list) out.push_back(person(p));
  return out;
}

json::array strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.push_back(json::string{s});
  return out;
}

/// The deciding rule; null when nothing matched (included by default).
json::value deciding_rule(const verdict& v) {
  if (v.rule_id.empty()) return nullptr;
  return json::object{{"action", v.action == rule_action::exclude ? "exclude" : "include"},
                      {"id", v.rule_id},
                      {"version", v.rule_version}};
}

/// ISO 8601 UTC, or null for an unset time.
json::value iso_time(timestamp_ms at) {
  if (at == 0) return nullptr;
  return json::string{format_iso8601_utc(at)};
}

const char* kind_name(event_kind k) {
  switch (k) {
    case event_kind::single_instance: return "singleInstance";
    case event_kind::occurrence: return "occurrence";
    case event_kind::exception: return "exception";
    case event_kind::series_master: return "seriesMaster";
  }
  return "unknown";
}

} // namespace

std::string activity_json_line(const email& e) {
  json::object o{{"kind", "email"},
                 {"tenant", e.tenant},
                 {"user", e.user},
                 {"mailbox", e.mailbox},
                 {"graph_id", e.graph_id},
                 {"internet_message_id", e.internet_message_id},
                 {"subject", e.subject},
                 {"folder", e.folder},
                 {"received_at", iso_time(e.received_at)},
                 {"sent_at", iso_time(e.sent_at)},
                 {"from", person(e.from)},
                 {"to", people(e.to)},
                 {"cc", people(e.cc)},
                 {"bcc", people(e.bcc)},
                 {"categories", strings(e.categories)},
                 {"importance", e.importance},
                 {"rule", deciding_rule(e.decided_by)}};
  return json::serialize(o);
}

std::string activity_json_line(const event& e) {
  json::array attendees;
  for (const auto& a : e.attendees) {
    auto p = person(a.who);
    p["type"] = a.type;
    p["response"] = a.response;
    attendees.push_back(std::move(p));
  }
  json::object o{{"kind", "event"},
                 {"tenant", e.tenant},
                 {"user", e.user},
                 {"mailbox", e.mailbox},
                 {"graph_id", e.graph_id},
                 {"ical_uid", e.ical_uid},
                 {"type", kind_name(e.kind)},
                 {"subject", e.subject},
                 {"folder", "calendar"},
                 {"start", iso_time(e.start)},
                 {"end", iso_time(e.end)},
                 {"is_all_day", e.is_all_day},
                 {"organizer", person(e.organizer)},
                 {"attendees", std::move(attendees)},
                 {"location", e.location},
                 {"sensitivity", e.sensitivity},
                 {"show_as", e.show_as},
                 {"categories", strings(e.categories)},
                 {"rule", deciding_rule(e.decided_by)}};
  return json::serialize(o);
}

} // namespace m365::cli
