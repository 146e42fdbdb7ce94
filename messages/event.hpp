// Ownership: value types. One synced calendar event (single, occurrence, exception or series
// master) as decoded from Graph `calendarView/delta`, with provenance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>


#include "messages/ids.hpp"
#include "messages/participant.hpp"
#include "messages/verdict.hpp"

namespace m365 {

/// Graph's event `type`.
enum class event_kind : uint8_t { single_instance = 0, occurrence, exception, series_master };

/// Graph's recurrence: pattern and range, kept close to the wire form.
struct recurrence {
  std::string pattern_type;  ///< "daily", "weekly", "absoluteMonthly", ... ; empty = none
  int32_t interval = 0;
  std::vector<std::string> days_of_week;
  int32_t day_of_month = 0;
  std::string range_type;    ///< "endDate", "noEnd", "numbered"
  std::string range_start;   ///< date "YYYY-MM-DD"
  std::string range_end;     ///< date, for "endDate"
  int32_t occurrences = 0;   ///< for "numbered"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recurrence& x) {
  return f(x.pattern_type, x.interval, x.days_of_week,
           x.day_of_month, x.range_type, x.range_start, x.range_end, x.occurrences);
}

struct event {
  tenant_id tenant;
  user_id user;
  std::string mailbox;
  std::string graph_id;        ///< immutable id
  std::string change_key;
  std::string ical_uid;        ///< dedupe key for single events
  std::string series_master_id;
  event_kind kind = event_kind::single_instance;
  std::string subject;
  participant organizer;
  std::vector<attendee> attendees;
  timestamp_ms start = 0;      ///< UTC
  timestamp_ms end = 0;        ///< UTC
  std::string time_zone;       ///< the event's original time zone name
  bool is_all_day = false;
  bool is_cancelled = false;
  bool is_online_meeting = false;
  std::string location;
  std::string sensitivity;     ///< "normal", "personal", "private", "confidential"
  std::string show_as;         ///< "free", "tentative", "busy", "oof", "workingElsewhere", "unknown"
  std::string importance;
  std::vector<std::string> categories;
  std::string body_preview;
  recurrence pattern;          ///< set on series masters
  std::string transaction_id;  ///< set when the event was created from the CRM
  verdict decided_by;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return f(x.tenant, x.user, x.mailbox, x.graph_id, x.change_key,
           x.ical_uid, x.series_master_id, x.kind, x.subject, x.organizer, x.attendees, x.start,
           x.end, x.time_zone, x.is_all_day, x.is_cancelled, x.is_online_meeting, x.location,
           x.sensitivity, x.show_as, x.importance, x.categories, x.body_preview, x.pattern,
           x.transaction_id, x.decided_by);
}

} // namespace m365
