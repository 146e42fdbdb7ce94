// Ownership: free functions, no state, thread-safe. Graph's ISO 8601 timestamps and event
// {dateTime, timeZone} pairs turned into UTC milliseconds, and back for calendarView windows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "messages/ids.hpp"

namespace m365 {

/// Parses "YYYY-MM-DDTHH:MM:SS" with optional fractional seconds (any number of digits, kept to
/// the millisecond) and an optional designator "Z", "+hh:mm" or "-hh:mm". Without a designator
/// the time is read as UTC. Returns nullopt for anything else (placeholders, garbage).
std::optional<timestamp_ms> parse_iso8601_utc(std::string_view text) noexcept;

/// True when `text` carries its own offset designator ("Z", "+hh:mm", "-hh:mm").
bool has_utc_offset(std::string_view text) noexcept;

/// The fixed offset of a zone name, in minutes east of UTC, when the name denotes one:
/// "UTC", "GMT", "Etc/UTC", "Coordinated Universal Time", "tzone://Microsoft/Utc" -> 0;
/// "UTC+05:30", "UTC-08:00", "GMT+1", "+02:00", "-0330" -> that offset. nullopt otherwise.
std::optional<int> fixed_zone_offset_minutes(std::string_view zone) noexcept;

/// Converts an event's wall-clock `date_time` in `zone` to UTC.
///
/// Correct for: a `date_time` with its own designator, UTC and every fixed-offset zone name.
/// Documented limitation: any other zone name (IANA "Europe/Berlin" or Windows "Pacific Standard
/// Time") is read as if it were UTC; the caller keeps the name so the time can be corrected
/// later. The engine asks Graph for UTC (`Prefer: outlook.timezone="UTC"`), so this path is only
/// taken for bodies produced without that header.
std::optional<timestamp_ms> event_time_to_utc(std::string_view date_time,
                                              std::string_view zone) noexcept;

/// "2016-12-01T22:39:05Z" (seconds precision, always UTC), for calendarView windows.
std::string format_iso8601_utc(timestamp_ms at);

} // namespace m365
