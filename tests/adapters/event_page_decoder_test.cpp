// The calendar decoder against Microsoft's documented calendarView delta pages and event
// bodies: times in UTC, kinds, attendees, recurrence, removals; broken bodies fail whole.
#include <catch2/catch.hpp>

#include "adapters/event_page_decoder.hpp"
#include "fixture_body.hpp"

using namespace m365;
using m365::test::fixture_body;
using m365::test::fixture_text;

namespace {

page_context ctx() {
  page_context c;
  c.tenant = "fabrikam";
  c.user = "u-2002";
  c.mailbox = "samanthab@contoso.onmicrosoft.com";
  c.folder = "calendar";
  return c;
}

// 2016-12-09T20:30:00Z and friends, computed independently of the parser.
constexpr timestamp_ms dec9_2030 = 1481315400000;

expected<event> decode_one(const std::string& fields) {
  event_page_decoder d;
  return d.decode_event(padded_body{R"({"id":"E1",)" + fields + "}"}, ctx());
}

} // namespace

TEST_CASE("the first calendarView delta page yields two UTC events and the nextLink",
          "[adapters][decoder][events]") {
  event_page_decoder d;
  auto page = d.decode(fixture_body("events_calendarview_delta_page1.json"), ctx());
  REQUIRE(page.has_value());
  CHECK_FALSE(page->final_page);
  CHECK(page->link.url == "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=R0usmcCM996atia_s");
  CHECK(page->link.folder == "calendar");
  REQUIRE(page->items.size() == 2);
  const auto& e = page->items[0];
  CHECK(e.graph_id == "AAMkADNVxRAAA=");
  CHECK(e.subject == "Plan shopping list");
  CHECK(e.start == dec9_2030);
  CHECK(e.end == dec9_2030 + 90 * 60 * 1000);
  CHECK(e.time_zone == "UTC");
  CHECK(e.organizer == participant{"Samantha Booth", "samanthab@contoso.onmicrosoft.com"});
  CHECK(e.attendees.empty());
  CHECK(e.kind == event_kind::single_instance);
  CHECK(e.tenant == "fabrikam");
  CHECK(e.user == "u-2002");
  CHECK(e.mailbox == "samanthab@contoso.onmicrosoft.com");
  CHECK(page->items[1].subject == "Pick up car");
}

TEST_CASE("later calendar pages: nextLink, deltaLink, location and a removal",
          "[adapters][decoder][events]") {
  event_page_decoder d;
  auto p2 = d.decode(fixture_body("events_calendarview_delta_page2.json"), ctx());
  REQUIRE(p2.has_value());
  REQUIRE(p2->items.size() == 2);
  CHECK(p2->items[1].end == 1481414400000);  // 2016-12-11T00:00:00Z

  auto last = d.decode(fixture_body("events_calendarview_delta_final_deltalink.json"), ctx());
  REQUIRE(last.has_value());
  CHECK(last->final_page);
  CHECK(last->link.url == "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmcMDNGg0J1E");
  REQUIRE(last->items.size() == 1);
  CHECK(last->items[0].location == "Home");

  auto removed = d.decode(fixture_body("events_calendarview_delta_removed.json"), ctx());
  REQUIRE(removed.has_value());
  REQUIRE(removed->removed_ids.size() == 1);
  CHECK(removed->removed_ids[0] == "AAMkADk0MGFkODE3LWE4MmYtNDRhOS04OGQLkRkXbBznTvAADb6ytyAAA=");
  REQUIRE(removed->items.size() == 1);
  CHECK(removed->items[0].location == "Chapel of Saint Ignatius");
}

TEST_CASE("a created event body maps every field the rules and the store use",
          "[adapters][decoder][events]") {
  event_page_decoder d;
  auto ev = d.decode_event(fixture_body("event_create_201.json"), ctx());
  REQUIRE(ev.has_value());
  CHECK(ev->graph_id == "AAMkAGI1AAAt9AHjAAA=");
  CHECK(ev->change_key == "ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ==");
  CHECK(ev->ical_uid == "040000008200E00074C5B7101A82E00800000000DA2B357D94B5D201000000000000000010000000EC4597557F0CB34EA4CC2887EA7B17C3");
  CHECK(ev->series_master_id.empty());
  CHECK(ev->kind == event_kind::single_instance);
  CHECK(ev->subject == "Let's go brunch");
  CHECK(ev->body_preview == "Does late morning work for you?");
  CHECK(ev->importance == "normal");
  CHECK(ev->sensitivity == "normal");
  CHECK(ev->show_as == "busy");
  CHECK_FALSE(ev->is_all_day);
  CHECK_FALSE(ev->is_cancelled);
  CHECK(ev->location == "Harry's Bar");
  CHECK(ev->categories.empty());
  CHECK(ev->pattern.pattern_type.empty());
  REQUIRE(ev->attendees.size() == 1);
  CHECK(ev->attendees[0].who == participant{"Samantha Booth", "samanthab@contoso.onmicrosoft.com"});
  CHECK(ev->attendees[0].type == "required");
  CHECK(ev->attendees[0].response == "none");
  CHECK(ev->organizer.address == "danas@contoso.onmicrosoft.com");
  // "Pacific Standard Time" is a named zone: kept by name, the wall clock read as UTC
  // (documented limitation; the engine requests outlook.timezone="UTC").
  CHECK(ev->time_zone == "Pacific Standard Time");
  CHECK(ev->start == 1492254000000);  // 2017-04-15T11:00:00 as UTC
}

TEST_CASE("a recurring series master carries its pattern and range", "[adapters][decoder][events]") {
  event_page_decoder d;
  auto ev = d.decode_event(fixture_body("event_create_recurring_201.json"), ctx());
  REQUIRE(ev.has_value());
  CHECK(ev->kind == event_kind::series_master);
  CHECK(ev->pattern.pattern_type == "weekly");
  CHECK(ev->pattern.interval == 1);
  CHECK(ev->pattern.days_of_week == std::vector<std::string>{"monday"});
  CHECK(ev->pattern.day_of_month == 0);
  CHECK(ev->pattern.range_type == "endDate");
  CHECK(ev->pattern.range_start == "2017-09-04");
  CHECK(ev->pattern.range_end == "2017-12-31");
  CHECK(ev->pattern.occurrences == 0);
  CHECK(ev->attendees[0].who.address == "AdeleV@contoso.onmicrosoft.com");
}

TEST_CASE("the event kinds, flags and fixed-offset zones are decoded", "[adapters][decoder][events]") {
  auto occurrence = decode_one(R"("type":"occurrence","seriesMasterId":"M1",
    "isCancelled":true,"isAllDay":true,"isOnlineMeeting":true,"sensitivity":"private",
    "showAs":"oof","categories":["Client"],"transactionId":"crm-77",
    "start":{"dateTime":"2017-04-15T11:00:00.0000000","timeZone":"UTC-08:00"},
    "end":{"dateTime":"2017-04-15T12:30:00+02:00","timeZone":"Pacific Standard Time"},
    "originalStartTimeZone":"Pacific Standard Time")");
  REQUIRE(occurrence.has_value());
  CHECK(occurrence->kind == event_kind::occurrence);
  CHECK(occurrence->series_master_id == "M1");
  CHECK(occurrence->is_cancelled);
  CHECK(occurrence->is_all_day);
  CHECK(occurrence->is_online_meeting);
  CHECK(occurrence->sensitivity == "private");
  CHECK(occurrence->show_as == "oof");
  CHECK(occurrence->categories == std::vector<std::string>{"Client"});
  CHECK(occurrence->transaction_id == "crm-77");
  CHECK(occurrence->start == 1492254000000 + 8 * 3600 * 1000);  // 19:00Z
  CHECK(occurrence->end == 1492254000000 - 30 * 60 * 1000);     // 10:30Z: the offset in the value wins
  CHECK(occurrence->time_zone == "Pacific Standard Time");
  auto exception = decode_one(R"("type":"exception")");
  REQUIRE(exception.has_value());
  CHECK(exception->kind == event_kind::exception);
}

TEST_CASE("a broken event fails with the field named", "[adapters][decoder][events]") {
  SECTION("unknown type") {
    auto ev = decode_one(R"("type":"weird")");
    REQUIRE_FALSE(ev.has_value());
    CHECK(ev.error().message()
          == "event: type: wrong type (expected one of singleInstance, occurrence, exception, seriesMaster)");
  }
  SECTION("start.dateTime not a date") {
    auto ev = decode_one(R"("start":{"dateTime":"datetime-value","timeZone":"UTC"})");
    REQUIRE_FALSE(ev.has_value());
    CHECK(ev.error().message() == "event: start.dateTime: wrong type (expected ISO 8601 date-time)");
  }
  SECTION("an attendee's response") {
    auto ev = decode_one(R"("attendees":[{"type":"required","status":{"response":3}}])");
    REQUIRE_FALSE(ev.has_value());
    CHECK(ev.error().message() == "event: attendees[0].status.response: wrong type (expected string)");
  }
  SECTION("recurrence interval as a string") {
    auto ev = decode_one(R"("recurrence":{"pattern":{"interval":"1"}})");
    REQUIRE_FALSE(ev.has_value());
    CHECK(ev.error().message() == "event: recurrence.pattern.interval: wrong type (expected integer)");
  }
  SECTION("an item in a page") {
    event_page_decoder d;
    auto page = d.decode(padded_body{R"({"@odata.deltaLink":"d","value":[{"id":"1"},{"id":"2","isAllDay":"yes"}]})"}, ctx());
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message() == "events page: value[1].isAllDay: wrong type (expected boolean)");
  }
}

TEST_CASE("every truncation of a calendar page is an error", "[adapters][decoder][events]") {
  const std::string full = fixture_text("events_calendarview_delta_removed.json");
  event_page_decoder d;
  REQUIRE(d.decode(padded_body{full}, ctx()).has_value());
  const size_t last_brace = full.rfind('}');
  for (size_t len = 0; len <= last_brace; len += 7) {
    auto page = d.decode(padded_body{full.substr(0, len)}, ctx());
    CHECK_FALSE(page.has_value());
  }
}

TEST_CASE("an event with several locations keeps the combined display name and all attendees",
          "[adapters][decoder][events]") {
  event_page_decoder d;
  auto ev = d.decode_event(fixture_body("event_create_multiple_locations_201.json"), ctx());
  REQUIRE(ev.has_value());
  CHECK(ev->location == "Conf Room 3; Fourth Coffee; Home Office");
  REQUIRE(ev->attendees.size() == 2);
  CHECK(ev->attendees[0].who.address == "DanaS@contoso.onmicrosoft.com");
  CHECK(ev->attendees[1].who.address == "AlexW@contoso.onmicrosoft.com");
}

TEST_CASE("an update body with placeholders and no id is refused", "[adapters][decoder][events]") {
  event_page_decoder d;
  auto ev = d.decode_event(fixture_body("event_update_200.json"), ctx());
  REQUIRE_FALSE(ev.has_value());
  CHECK(ev.error().message() == "event: id is missing");
}
