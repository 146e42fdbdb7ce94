// Ownership: stateless serializer, thread-safe. Writes Graph `event` JSON as in the documented
// bodies (seven fractional digits, zone in `timeZone`, `0001-01-01T00:00:00Z` for unset times).
#pragma once

#include <string>
#include <string_view>

#include "sim/dataset.hpp"
#include "sim/event_instance.hpp"

namespace m365::sim {

/// How one event (or one instance of a series) is rendered.
struct event_render {
  std::string_view id;
  std::string_view change_key;
  std::string_view series_master_id;      ///< empty for singles and masters
  const event_instance* instance = nullptr; ///< null: the item itself (single or seriesMaster)
  std::string_view odata_context;         ///< non-empty: `@odata.context` instead of `@odata.type`
  bool pascal_online_meeting_quirk = false; ///< `"OnlineMeeting":null` as in the recurring POST doc
};

class event_json {
public:
  static void write(std::string& out, const event_fields& e, const event_render& how);
  static void write_removed(std::string& out, std::string_view id);
};

} // namespace m365::sim
