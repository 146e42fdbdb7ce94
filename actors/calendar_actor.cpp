// The calendar side of the delta-stream core: one stream over a rolling window (see the header).
#include "actors/calendar_actor.hpp"

#include "actors/delta_stream.hpp"

namespace m365 {

namespace {

constexpr int64_t day_ms = 24 * 3600 * 1000;

struct calendar_kind {
  using page_type = event_page;
  static constexpr stream_kind kind = stream_kind::calendar;
  static constexpr const char* name = "calendar_actor";

  static std::vector<std::string> folders(const tenant_settings&) { return {"calendar"}; }
  static uint32_t interval_s(const tenant_settings& t) { return t.calendar_interval_s; }
  /// Today's window, in whole UTC days.
  static void before_round(delta_cursor& cursor, const tenant_settings& t, timestamp_ms now) {
    auto today = now / day_ms * day_ms;
    cursor.use_window(today - int64_t{t.calendar_past_days} * day_ms,
                      today + int64_t{t.calendar_future_days} * day_ms);
  }
  static void fetch(graph_port& port, const delta_request& req, const access_token& token,
                    graph_port::event_callback done) {
    port.fetch_events(req, token, std::move(done));
  }
  static void stamp(event&, const std::string&) {}
};

} // namespace

calendar_actor spawn_calendar_actor(caf::local_actor* parent, stream_context context) {
  return caf::actor_cast<calendar_actor>(
    parent->spawn<caf::linked>(delta_stream_behavior<calendar_kind>, std::move(context)));
}

} // namespace m365
