// Ownership: see header.
#include "adapters/event_page_decoder.hpp"

#include <algorithm>

#include "adapters/graph_time.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/json_parser_slot.hpp"

namespace m365 {

namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::object;

constexpr const char* page_what = "events page";
constexpr const char* event_what = "event";

/// Opens `v` as an object; `present` is false for null.
bool open_object(json_value v, object& obj, bool& present, field_error& err, const char* name) {
  json_type t{};
  if (auto e = v.type().get(t))
    return err.fail(e, name, "object");
  present = t != json_type::null;
  if (!present)
    return true;
  if (t != json_type::object)
    return err.fail(simdjson::INCORRECT_TYPE, name, "object");
  if (auto e = v.get_object().get(obj))
    return err.fail(e, name, "object");
  return true;
}

/// Iterates an object's fields, calling `on_field(key, value)`; false stops with err filled.
template <class F>
bool for_each_field(json_value v, field_error& err, const char* name, F on_field) {
  object obj;
  bool present = false;
  if (!open_object(v, obj, present, err, name))
    return false;
  if (!present)
    return true;
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, name, "object");
    if (!on_field(f.key(), f.value()))
      return err.fail(err.code, name, "");
  }
  return true;
}

struct wall_clock {
  std::string date_time;
  std::string time_zone;
};

bool read_wall_clock(json_value v, wall_clock& out, field_error& err, const char* name) {
  return for_each_field(v, err, name, [&](simdjson::ondemand::raw_json_string key,
                                          json_value val) {
    if (key == "dateTime") return read_string(val, out.date_time, err, "dateTime");
    if (key == "timeZone") return read_string(val, out.time_zone, err, "timeZone");
    return true;
  });
}

bool read_event_kind(json_value v, event_kind& out, field_error& err) {
  std::string s;
  if (!read_string(v, s, err, "type"))
    return false;
  if (s.empty() || s == "singleInstance") out = event_kind::single_instance;
  else if (s == "occurrence") out = event_kind::occurrence;
  else if (s == "exception") out = event_kind::exception;
  else if (s == "seriesMaster") out = event_kind::series_master;
  else return err.fail(simdjson::INCORRECT_TYPE, "type",
                       "one of singleInstance, occurrence, exception, seriesMaster");
  return true;
}

bool read_attendee(json_value v, attendee& out, field_error& err) {
  return for_each_field(v, err, "", [&](simdjson::ondemand::raw_json_string key,
                                        json_value val) {
    if (key == "emailAddress") {
      return for_each_field(val, err, "emailAddress",
                          [&](simdjson::ondemand::raw_json_string k,
                              json_value x) {
        if (k == "address") return read_string(x, out.who.address, err, "address");
        if (k == "name") return read_string(x, out.who.name, err, "name");
        return true;
      });
    }
    if (key == "type") return read_string(val, out.type, err, "type");
    if (key == "status")
      return for_each_field(val, err, "status",
                            [&](simdjson::ondemand::raw_json_string k,
                                json_value x) {
        if (k == "response") return read_string(x, out.response, err, "response");
        return true;
      });
    return true;
  });
}

bool read_attendees(json_value v, std::vector<attendee>& out, field_error& err) {
  json_type t{};
  if (auto e = v.type().get(t))
    return err.fail(e, "attendees", "array");
  if (t == json_type::null)
    return true;
  if (t != json_type::array)
    return err.fail(simdjson::INCORRECT_TYPE, "attendees", "array");
  simdjson::ondemand::array arr;
  if (auto e = v.get_array().get(arr))
    return err.fail(e, "attendees", "array");
  for (auto element : arr) {
    json_value item;
    if (auto e = std::move(element).get(item))
      return err.fail(e, "attendees", "array");
    attendee a;
    if (!read_attendee(item, a, err)) {
      std::string where = "attendees[" + std::to_string(out.size()) + "]";
      err.path = err.path.empty() ? where : where + "." + err.path;
      return false;
    }
    out.push_back(std::move(a));
  }
  return true;
}

bool read_recurrence(json_value v, recurrence& out, field_error& err) {
  return for_each_field(v, err, "recurrence", [&](simdjson::ondemand::raw_json_string key,
                                                  json_value val) {
    if (key == "pattern")
      return for_each_field(val, err, "pattern",
                            [&](simdjson::ondemand::raw_json_string k,
                                json_value x) {
        if (k == "type") return read_string(x, out.pattern_type, err, "type");
        if (k == "interval") return read_int32(x, out.interval, err, "interval");
        if (k == "daysOfWeek")
          return read_string_array(x, out.days_of_week, err, "daysOfWeek");
        if (k == "dayOfMonth")
          return read_int32(x, out.day_of_month, err, "dayOfMonth");
        return true;
      });
    if (key == "range")
      return for_each_field(val, err, "range",
                            [&](simdjson::ondemand::raw_json_string k,
                                json_value x) {
        if (k == "type") return read_string(x, out.range_type, err, "type");
        if (k == "startDate") return read_string(x, out.range_start, err, "startDate");
        if (k == "endDate") return read_string(x, out.range_end, err, "endDate");
        if (k == "numberOfOccurrences")
          return read_int32(x, out.occurrences, err, "numberOfOccurrences");
        return true;
      });
    return true;
  });
}

bool read_location(json_value v, std::string& out, field_error& err) {
  return for_each_field(v, err, "location", [&](simdjson::ondemand::raw_json_string key,
                                                json_value val) {
    if (key == "displayName") return read_string(val, out, err, "displayName");
    return true;
  });
}

bool to_utc(const wall_clock& wc, timestamp_ms& out, field_error& err, const char* name) {
  if (wc.date_time.empty())
    return true;
  auto at = event_time_to_utc(wc.date_time, wc.time_zone);
  if (!at)
    return err.fail(simdjson::INCORRECT_TYPE, (std::string(name) + ".dateTime").c_str(),
                    "ISO 8601 date-time");
  out = *at;
  return true;
}

/// One event object. Sets `removed` for an `@removed` entry.
bool read_event(json_value v, event& ev, bool& removed, field_error& err) {
  object obj;
  if (auto e = v.get_object().get(obj))
    return err.fail(e, "", "object");
  wall_clock start, end;
  std::string original_zone;
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, "", "object");
    auto key = f.key();
    json_value val = f.value();
    bool ok = true;
    if (key == "id") ok = read_string(val, ev.graph_id, err, "id");
    else if (key == "subject") ok = read_string(val, ev.subject, err, "subject");
    else if (key == "start") ok = read_wall_clock(val, start, err, "start");
    else if (key == "end") ok = read_wall_clock(val, end, err, "end");
    else if (key == "organizer") ok = read_recipient(val, ev.organizer, err, "organizer");
    else if (key == "attendees") ok = read_attendees(val, ev.attendees, err);
    else if (key == "changeKey") ok = read_string(val, ev.change_key, err, "changeKey");
    else if (key == "iCalUId") ok = read_string(val, ev.ical_uid, err, "iCalUId");
    else if (key == "seriesMasterId") ok = read_string(val, ev.series_master_id, err, "seriesMasterId");
    else if (key == "type") ok = read_event_kind(val, ev.kind, err);
    else if (key == "originalStartTimeZone") ok = read_string(val, original_zone, err, "originalStartTimeZone");
    else if (key == "isAllDay") ok = read_bool(val, ev.is_all_day, err, "isAllDay");
    else if (key == "isCancelled") ok = read_bool(val, ev.is_cancelled, err, "isCancelled");
    else if (key == "isOnlineMeeting") ok = read_bool(val, ev.is_online_meeting, err, "isOnlineMeeting");
    else if (key == "location") ok = read_location(val, ev.location, err);
    else if (key == "sensitivity") ok = read_string(val, ev.sensitivity, err, "sensitivity");
    else if (key == "showAs") ok = read_string(val, ev.show_as, err, "showAs");
    else if (key == "importance") ok = read_string(val, ev.importance, err, "importance");
    else if (key == "categories") ok = read_string_array(val, ev.categories, err, "categories");
    else if (key == "bodyPreview") ok = read_string(val, ev.body_preview, err, "bodyPreview");
    else if (key == "recurrence") ok = read_recurrence(val, ev.pattern, err);
    else if (key == "transactionId") ok = read_string(val, ev.transaction_id, err, "transactionId");
    else if (key == "@removed") removed = true;
    if (!ok)
      return false;
  }
  if (removed)
    return true;
  if (!to_utc(start, ev.start, err, "start") || !to_utc(end, ev.end, err, "end"))
    return false;
  ev.time_zone = !original_zone.empty() ? std::move(original_zone) : std::move(start.time_zone);
  return true;
}

void stamp(event& ev, const page_context& ctx) {
  ev.tenant = ctx.tenant;
  ev.user = ctx.user;
  ev.mailbox = ctx.mailbox;
}

} // namespace

event_page_decoder::event_page_decoder(decoder_limits limits)
  : limits_(limits), parser_(std::make_unique<json_parser_slot>()) {
  // Preallocates for a typical page; iterate() grows the buffers (keeping max_depth) on demand.
  if (parser_->parser.allocate(1u << 20, limits_.max_depth) != simdjson::SUCCESS)
    parser_->parser = simdjson::ondemand::parser{};
}

event_page_decoder::~event_page_decoder() = default;
event_page_decoder::event_page_decoder(event_page_decoder&&) noexcept = default;
event_page_decoder& event_page_decoder::operator=(event_page_decoder&&) noexcept = default;

expected<event_page> event_page_decoder::decode(const padded_body& body,
                                                const page_context& ctx) {
  if (auto checked = check_page_body(body, limits_, page_what); !checked)
    return checked;
  event_page page;
  field_error err;
  std::string where;
  size_t index = 0;
  bool in_item = false;
  auto fail = [&]() -> expected<event_page> {
    if (in_item)
      where = "value[" + std::to_string(index) + "]";
    return decode_failure(page_what, where, err);
  };
  simdjson::ondemand::document doc;
  if (auto e = parser_->parser.iterate(body.view().data(), body.size(), body.bytes().capacity()).get(doc)) {
    err.fail(e, "", "object");
    return fail();
  }
  object root;
  if (auto e = doc.get_object().get(root)) {
    err.fail(e, "", "object");
    where = "top level";
    return fail();
  }
  std::string next_link, delta_link;
  const size_t reserve = ctx.expected_items ? ctx.expected_items
                                            : std::min<size_t>(body.size() / 1024 + 1, 1000);
  for (auto field : root) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f)) {
      err.fail(e, "", "object");
      where = "top level";
      return fail();
    }
    auto key = f.key();
    if (key == "value") {
      simdjson::ondemand::array arr;
      if (auto e = f.value().get_array().get(arr)) {
        err.fail(e, "value", "array");
        return fail();
      }
      page.items.reserve(reserve);
      in_item = true;
      for (auto element : arr) {
        json_value v;
        if (auto e = std::move(element).get(v)) {
          err.fail(e, "", "object");
          return fail();
        }
        event ev;
        bool removed = false;
        if (!read_event(v, ev, removed, err))
          return fail();
        if (ev.graph_id.empty()) {
          err.fail(simdjson::INCORRECT_TYPE, "id", "non-empty string");
          return fail();
        }
        if (removed) {
          page.removed_ids.push_back(std::move(ev.graph_id));
        } else {
          stamp(ev, ctx);
          page.items.push_back(std::move(ev));
        }
        ++index;
      }
      in_item = false;
    } else if (key == "@odata.nextLink") {
      if (!read_string(f.value(), next_link, err, "@odata.nextLink"))
        return fail();
    } else if (key == "@odata.deltaLink") {
      if (!read_string(f.value(), delta_link, err, "@odata.deltaLink"))
        return fail();
    }
  }
  if (!at_document_end(doc)) {
    err.fail(simdjson::TRAILING_CONTENT, "", "");
    where = "after the top-level object";
    return fail();
  }
  if (auto linked = set_page_link(std::move(next_link), std::move(delta_link), ctx, page_what,
                                  page.link, page.final_page);
      !linked)
    return linked;
  return page;
}

expected<event> event_page_decoder::decode_event(const padded_body& body,
                                                 const page_context& ctx) {
  if (body.size() > limits_.max_body_bytes)
    return status::corrupted(std::string(event_what) + ": body exceeds the size limit");
  if (!body.is_padded())
    return status::internal(std::string(event_what) + ": body buffer lacks simdjson padding");
  if (nesting_exceeds(body.view(), limits_.max_depth))
    return status::corrupted(std::string(event_what) + ": JSON nests too deep");
  field_error err;
  simdjson::ondemand::document doc;
  if (auto e = parser_->parser.iterate(body.view().data(), body.size(), body.bytes().capacity()).get(doc)) {
    err.fail(e, "", "object");
    return decode_failure(event_what, "", err);
  }
  json_value v;
  if (auto e = doc.get_value().get(v)) {
    err.fail(e, "", "object");
    return decode_failure(event_what, "top level", err);
  }
  event ev;
  bool removed = false;
  if (!read_event(v, ev, removed, err))
    return decode_failure(event_what, "", err);
  if (!at_document_end(doc)) {
    err.fail(simdjson::TRAILING_CONTENT, "", "");
    return decode_failure(event_what, "after the top-level object", err);
  }
  if (ev.graph_id.empty())
    return status::corrupted(std::string(event_what) + ": id is missing");
  stamp(ev, ctx);
  return ev;
}

} // namespace m365
