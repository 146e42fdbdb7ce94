#include "sim/event_request.hpp"

#include <boost/json.hpp>

#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

std::string str_of(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

m365::status read_time(const boost::json::value& v, const char* key, int64_t& out, std::string& zone) {
  if (!v.is_object())
    return m365::status::invalid_argument(std::string("'") + key + "' must be a dateTimeTimeZone object");
  auto& o = v.as_object();
  auto* dt = o.if_contains("dateTime");
  if (!dt || !dt->is_string())
    return m365::status::invalid_argument(std::string("'") + key + ".dateTime' is required");
  auto t = parse_iso_time(dt->as_string());
  if (!t)
    return m365::status::invalid_argument(std::string("'") + key + ".dateTime' is not a valid date and time");
  out = *t;
  if (auto* tz = o.if_contains("timeZone"); tz && tz->is_string())
    zone = std::string(tz->as_string());
  return {};
}

int day_index(std::string_view name) {
  static constexpr std::string_view days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; ++i)
    if (days[i] == name)
      return i;
  return -1;
}

} // namespace

m365::status apply_event_json(std::string_view text, event_fields& e, bool require_times) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object())
    return m365::status::invalid_argument("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
  auto& o = v.as_object();
  if (require_times && (!o.contains("start") || !o.contains("end")))
    return m365::status::invalid_argument("Your request can't be completed. An event needs a start and an end time.");
  for (auto& kv : o) {
    std::string_view k = kv.key();
    const auto& val = kv.value();
    if (k == "subject") {
      e.subject = str_of(val);
    } else if (k == "body") {
      if (val.is_object()) {
        auto* c = val.as_object().if_contains("content");
        auto* ct = val.as_object().if_contains("contentType");
        std::string content = c ? str_of(*c) : std::string();
        bool text = ct && ct->is_string() && ct->as_string() == "text";
        e.body_html = text ? "<html><body>" + content + "</body></html>" : content;
      }
    } else if (k == "start") {
      if (auto st = read_time(val, "start", e.start, e.time_zone); !st)
        return st;
    } else if (k == "end") {
      if (auto st = read_time(val, "end", e.end, e.time_zone); !st)
        return st;
    } else if (k == "location") {
      if (val.is_object())
        if (auto* d = val.as_object().if_contains("displayName"))
          e.location = str_of(*d);
    } else if (k == "attendees") {
      if (!val.is_array())
        return m365::status::invalid_argument("'attendees' must be an array");
      e.attendees.clear();
      for (auto& a : val.as_array()) {
        if (!a.is_object())
          continue;
        auto* ea = a.as_object().if_contains("emailAddress");
        if (!ea || !ea->is_object())
          continue;
        email_address addr;
        if (auto* n = ea->as_object().if_contains("name"))
          addr.name = str_of(*n);
        if (auto* ad = ea->as_object().if_contains("address"))
          addr.address = str_of(*ad);
        e.attendees.push_back(addr);
      }
    } else if (k == "categories") {
      if (!val.is_array())
        return m365::status::invalid_argument("'categories' must be an array");
      e.categories.clear();
      for (auto& c : val.as_array())
        e.categories.push_back(str_of(c));
    } else if (k == "sensitivity") {
      e.sensitivity = str_of(val);
    } else if (k == "showAs") {
      e.show_as = str_of(val);
    } else if (k == "importance") {
      e.importance = str_of(val);
    } else if (k == "isAllDay") {
      e.is_all_day = val.is_bool() && val.as_bool();
    } else if (k == "isOnlineMeeting") {
      e.is_online_meeting = val.is_bool() && val.as_bool();
    } else if (k == "transactionId") {
      e.transaction_id = str_of(val);
    } else if (k == "recurrence") {
      if (val.is_null()) {
        e.recurrence.reset();
        continue;
      }
      if (!val.is_object())
        return m365::status::invalid_argument("'recurrence' must be an object");
      recurrence_rule r;
      auto& ro = val.as_object();
      if (auto* pat = ro.if_contains("pattern"); pat && pat->is_object()) {
        auto& po = pat->as_object();
        if (auto* t = po.if_contains("type"))
          r.type = str_of(*t);
        if (r.type != "daily" && r.type != "weekly")
          return m365::status::invalid_argument("recurrence pattern type '" + r.type + "' is not supported by the simulator");
        if (auto* i = po.if_contains("interval"); i && i->is_number())
          r.interval = i->to_number<int>();
        if (auto* d = po.if_contains("daysOfWeek"); d && d->is_array())
          for (auto& x : d->as_array())
            if (int di = day_index(str_of(x)); di >= 0)
              r.days_of_week.push_back(di);
      }
      if (auto* rng = ro.if_contains("range"); rng && rng->is_object()) {
        auto& rg = rng->as_object();
        if (auto* sd = rg.if_contains("startDate"))
          if (auto t = parse_iso_time(str_of(*sd)))
            r.range_start = *t;
        std::string type = rg.contains("type") ? str_of(rg.at("type")) : "noEnd";
        if (type == "endDate") {
          if (auto* ed = rg.if_contains("endDate"))
            if (auto t = parse_iso_time(str_of(*ed)))
              r.range_end = *t;
        } else if (type == "numbered") {
          if (auto* n = rg.if_contains("numberOfOccurrences"); n && n->is_number())
            r.count = n->to_number<int>();
        } else {
          r.count = 200; // noEnd: enough occurrences for any sync window
        }
      }
      if (r.range_start == 0)
        r.range_start = e.start / 86400 * 86400;
      e.recurrence = r;
    }
  }
  if (e.end < e.start)
    return m365::status::invalid_argument("The end of the event must be after its start.");
  return {};
}

} // namespace m365::sim
