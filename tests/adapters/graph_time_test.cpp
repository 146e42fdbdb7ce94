// Graph timestamps: the forms Graph sends, fixed offsets, and what is refused.
#include <catch2/catch.hpp>

#include "adapters/graph_time.hpp"

using namespace m365;

TEST_CASE("ISO 8601 timestamps in Graph's forms become UTC milliseconds", "[adapters][time]") {
  CHECK(parse_iso8601_utc("2016-12-01T22:39:05Z") == 1480631945000);
  CHECK(parse_iso8601_utc("2016-12-01T22:39:05.1234567Z") == 1480631945123);
  CHECK(parse_iso8601_utc("2016-12-01T22:39:05+00:00") == 1480631945000);
  CHECK(parse_iso8601_utc("2016-12-01T23:39:05+01:00") == 1480631945000);
  CHECK(parse_iso8601_utc("2016-12-01T18:09:05-04:30") == 1480631945000);
  CHECK(parse_iso8601_utc("2016-12-01T22:39:05") == 1480631945000);
  CHECK(parse_iso8601_utc("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_utc("0001-01-01T00:00:00Z") == -62135596800000);
  CHECK(parse_iso8601_utc("2024-02-29T00:00:00Z") == 1709164800000);
}

TEST_CASE("malformed timestamps are refused", "[adapters][time]") {
  for (auto bad : {"", "datetime-value", "2016-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                   "2016-12-01 22:39", "2016-12-01T22:39:05.Z", "2016-12-01T22:39:05+25:00",
                   "2016-12-01T22:39:05x"})
    CHECK_FALSE(parse_iso8601_utc(bad).has_value());
}

TEST_CASE("fixed zone names give their offset, named zones give none", "[adapters][time]") {
  CHECK(fixed_zone_offset_minutes("UTC") == 0);
  CHECK(fixed_zone_offset_minutes("tzone://Microsoft/Utc") == 0);
  CHECK(fixed_zone_offset_minutes("UTC+05:30") == 330);
  CHECK(fixed_zone_offset_minutes("UTC-08:00") == -480);
  CHECK(fixed_zone_offset_minutes("+0200") == 120);
  CHECK_FALSE(fixed_zone_offset_minutes("Pacific Standard Time").has_value());
  CHECK_FALSE(fixed_zone_offset_minutes("Europe/Berlin").has_value());
  CHECK(event_time_to_utc("2017-04-15T11:00:00.0000000", "UTC+05:30") == 1492254000000 - 330 * 60000);
}

TEST_CASE("UTC timestamps format back for calendarView windows", "[adapters][time]") {
  CHECK(format_iso8601_utc(1480631945000) == "2016-12-01T22:39:05Z");
  CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(parse_iso8601_utc(format_iso8601_utc(1709164800000)) == 1709164800000);
}
