// Ownership: pure functions, thread-safe. Graph's date formats: `2016-12-01T22:39:05Z` for
// message dates, `2017-04-15T11:00:00.0000000` (seven fractional digits, zone apart) for events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace m365::sim {

/// Unix seconds now (system clock).
int64_t unix_now() noexcept;

/// `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_utc_z(int64_t unix_seconds);

/// `YYYY-MM-DDTHH:MM:SS.fffffffZ` with seven digits (`ticks` = 100 ns units in the second).
std::string format_utc_ticks_z(int64_t unix_seconds, uint32_t ticks);

/// `YYYY-MM-DDTHH:MM:SS.0000000` (no zone designator, the zone travels in `timeZone`).
std::string format_event_local(int64_t unix_seconds);

/// `YYYY-MM-DD`.
std::string format_date(int64_t unix_seconds);

/// `YYYY-MM-DDTHH:MM:SS` as in Graph error innerError.date.
std::string format_error_date(int64_t unix_seconds);

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff…]]` with optional `Z` or `±HH:MM`; UTC.
std::optional<int64_t> parse_iso_time(std::string_view text);

/// Days since 1970-01-01 for a civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept;

} // namespace m365::sim
