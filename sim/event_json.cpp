#include "sim/event_json.hpp"

#include "sim/json_text.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

constexpr std::string_view unset_time = "0001-01-01T00:00:00Z";
constexpr const char* day_names[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

void append_address_obj(std::string& out, const email_address& a) {
  out.append("{\"emailAddress\":{");
  json::append_member(out, "name", a.name);
  out.push_back(',');
  json::append_member(out, "address", a.address);
  out.append("}}");
}

void append_time(std::string& out, std::string_view key, int64_t t, std::string_view zone) {
  json::append_key(out, key);
  out.append("{");
  json::append_member(out, "dateTime", format_event_local(t));
  out.push_back(',');
  json::append_member(out, "timeZone", zone);
  out.append("}");
}

std::string preview_of(const std::string& html) {
  std::string p;
  bool tag = false;
  for (char c : html) {
    if (c == '<')
      tag = true;
    else if (c == '>')
      tag = false;
    else if (!tag && p.size() < 255)
      p.push_back(c);
  }
  return p;
}

} // namespace

void event_json::write(std::string& out, const event_fields& e, const event_render& how) {
  const event_instance* in = how.instance;
  std::string_view type = in ? in->type : (e.recurrence ? "seriesMaster" : "singleInstance");
  int64_t start = in ? in->start : e.start;
  int64_t end = in ? in->end : e.end;
  std::string subject = in && in->exception && !in->exception->subject.empty() ? in->exception->subject : e.subject;
  out.push_back('{');
  if (how.odata_context.empty()) {
    out.append("\"@odata.type\":\"#microsoft.graph.event\",");
  } else {
    json::append_member(out, "@odata.context", how.odata_context);
    out.push_back(',');
  }
  out.append("\"@odata.etag\":\"W/\\\"");
  out.append(how.change_key);
  out.append("\\\"\",");
  json::append_member(out, "id", how.id);
  out.push_back(',');
  json::append_member(out, "createdDateTime", format_utc_ticks_z(e.created, static_cast<uint32_t>(e.created * 7919 % 10000000)));
  out.push_back(',');
  json::append_member(out, "lastModifiedDateTime", format_utc_ticks_z(e.modified, static_cast<uint32_t>(e.modified * 7907 % 10000000)));
  out.push_back(',');
  json::append_member(out, "changeKey", how.change_key);
  out.append(",\"categories\":[");
  for (size_t i = 0; i < e.categories.size(); ++i) {
    if (i)
      out.push_back(',');
    json::append_string(out, e.categories[i]);
  }
  out.append("],");
  if (e.transaction_id.empty() || in)
    json::append_null_member(out, "transactionId");
  else
    json::append_member(out, "transactionId", e.transaction_id);
  out.push_back(',');
  json::append_member(out, "originalStartTimeZone", e.time_zone);
  out.push_back(',');
  json::append_member(out, "originalEndTimeZone", e.time_zone);
  out.push_back(',');
  json::append_member(out, "iCalUId", e.ical_uid);
  out.append(",\"reminderMinutesBeforeStart\":15,\"isReminderOn\":true,\"hasAttachments\":false,");
  json::append_member(out, "subject", subject);
  out.push_back(',');
  json::append_member(out, "bodyPreview", preview_of(e.body_html));
  out.push_back(',');
  json::append_member(out, "importance", e.importance);
  out.push_back(',');
  json::append_member(out, "sensitivity", e.sensitivity);
  out.push_back(',');
  json::append_member(out, "isAllDay", e.is_all_day);
  out.append(",\"isCancelled\":false,");
  json::append_member(out, "isOrganizer", e.is_organizer);
  out.append(",\"responseRequested\":true,");
  if (how.series_master_id.empty())
    json::append_null_member(out, "seriesMasterId");
  else
    json::append_member(out, "seriesMasterId", how.series_master_id);
  out.push_back(',');
  json::append_member(out, "showAs", e.show_as);
  out.push_back(',');
  json::append_member(out, "type", type);
  out.append(",\"webLink\":\"https://outlook.office365.com/owa/?itemid=");
  for (char c : how.id) {
    if (c == '=')
      out.append("%3D");
    else
      out.push_back(c);
  }
  out.append("&exvsurl=1&path=/calendar/item\",\"onlineMeetingUrl\":null,");
  json::append_member(out, "isOnlineMeeting", e.is_online_meeting);
  out.append(e.is_online_meeting ? ",\"onlineMeetingProvider\":\"teamsForBusiness\"" : ",\"onlineMeetingProvider\":\"unknown\"");
  out.append(",\"allowNewTimeProposals\":true,\"isDraft\":false,\"hideAttendees\":false,");
  out.append("\"responseStatus\":{\"response\":");
  out.append(e.is_organizer ? "\"organizer\"" : "\"accepted\"");
  out.append(",\"time\":\"");
  out.append(e.is_organizer ? std::string(unset_time) : format_utc_z(e.created + 600));
  out.append("\"},\"body\":{\"contentType\":\"html\",");
  json::append_member(out, "content", e.body_html);
  out.append("},");
  append_time(out, "start", start, e.time_zone);
  out.push_back(',');
  append_time(out, "end", end, e.time_zone);
  out.append(",\"location\":{");
  json::append_member(out, "displayName", e.location);
  out.append(",\"locationType\":\"default\",");
  if (e.location.empty()) {
    out.append("\"uniqueIdType\":\"unknown\",\"address\":{},\"coordinates\":{}},\"locations\":[]");
  } else {
    json::append_member(out, "uniqueId", e.location);
    out.append(",\"uniqueIdType\":\"private\"},\"locations\":[{");
    json::append_member(out, "displayName", e.location);
    out.append(",\"locationType\":\"default\",\"uniqueIdType\":\"unknown\"}]");
  }
  out.append(",\"recurrence\":");
  if (e.recurrence && !in) {
    const recurrence_rule& r = *e.recurrence;
    out.append("{\"pattern\":{");
    json::append_member(out, "type", r.type);
    out.append(",\"interval\":" + std::to_string(r.interval) + ",\"month\":0,\"dayOfMonth\":0,\"daysOfWeek\":[");
    for (size_t i = 0; i < r.days_of_week.size(); ++i) {
      if (i)
        out.push_back(',');
      json::append_string(out, day_names[r.days_of_week[i] % 7]);
    }
    out.append("],\"firstDayOfWeek\":\"sunday\",\"index\":\"first\"},\"range\":{");
    json::append_member(out, "type", r.range_end ? "endDate" : "numbered");
    out.push_back(',');
    json::append_member(out, "startDate", format_date(r.range_start));
    out.push_back(',');
    json::append_member(out, "endDate", r.range_end ? format_date(r.range_end) : std::string("0001-01-01"));
    out.push_back(',');
    json::append_member(out, "recurrenceTimeZone", e.time_zone);
    out.append(",\"numberOfOccurrences\":" + std::to_string(r.range_end ? 0 : r.count) + "}}");
  } else {
    out.append("null");
  }
  out.append(",\"attendees\":[");
  for (size_t i = 0; i < e.attendees.size(); ++i) {
    if (i)
      out.push_back(',');
    out.append("{\"type\":\"required\",\"status\":{\"response\":\"none\",\"time\":\"0001-01-01T00:00:00Z\"},\"emailAddress\":{");
    json::append_member(out, "name", e.attendees[i].name);
    out.push_back(',');
    json::append_member(out, "address", e.attendees[i].address);
    out.append("}}");
  }
  out.append("],\"organizer\":");
  append_address_obj(out, e.organizer);
  if (e.is_online_meeting)
    out.append(",\"onlineMeeting\":{\"joinUrl\":\"https://teams.microsoft.com/l/meetup-join/sim\",\"conferenceId\":\"177513992\",\"tollNumber\":\"+1 555 0100\"}");
  else
    out.append(",\"onlineMeeting\":null");
  if (how.pascal_online_meeting_quirk)
    out.append(",\"OnlineMeeting\":null");
  out.push_back('}');
}

void event_json::write_removed(std::string& out, std::string_view id) {
  out.append("{\"@odata.type\":\"#microsoft.graph.event\",\"id\":\"");
  out.append(id);
  out.append("\",\"@removed\":{\"reason\":\"deleted\"}}");
}

} // namespace m365::sim
