// Ownership: free functions, no state.
#include "adapters/graph_time.hpp"

#include <cstdint>
#include <cstdio>

namespace m365 {

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) noexcept {
  if (pos + n > s.size())
    return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool is_leap(int y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int y, int m) noexcept {
  static constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29u : table[m - 1];
}

/// Parses "+hh:mm", "-hh:mm", "+hhmm", "+hh" or "+h" starting at s[0]; minutes east of UTC.
std::optional<int> parse_offset(std::string_view s) noexcept {
  if (s.empty() || (s[0] != '+' && s[0] != '-'))
    return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int hh = 0, mm = 0;
  if (s.size() == 1 && digits(s, 0, 1, hh)) {
  } else if (s.size() == 2 && digits(s, 0, 2, hh)) {
  } else if (s.size() == 4 && digits(s, 0, 2, hh) && digits(s, 2, 2, mm)) {
  } else if (s.size() == 5 && s[2] == ':' && digits(s, 0, 2, hh) && digits(s, 3, 2, mm)) {
  } else {
    return std::nullopt;
  }
  if (hh > 14 || mm > 59)
    return std::nullopt;
  return sign * (hh * 60 + mm);
}

/// Splits off the designator; returns the offset in minutes (0 for none or "Z").
bool split_designator(std::string_view text, std::string_view& local, int& offset_min,
                      bool& had) noexcept {
  had = false;
  offset_min = 0;
  local = text;
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) {
    had = true;
    local = text.substr(0, text.size() - 1);
    return true;
  }
  // An offset starts after the seconds ("...T12:00:00[.fff]+01:00"): search after position 19.
  if (text.size() > 19) {
    auto pos = text.find_first_of("+-", 19);
    if (pos != std::string_view::npos) {
      auto off = parse_offset(text.substr(pos));
      if (!off)
        return false;
      had = true;
      offset_min = *off;
      local = text.substr(0, pos);
    }
  }
  return true;
}

/// "YYYY-MM-DDTHH:MM:SS[.fff...]" without designator -> ms as if UTC.
std::optional<timestamp_ms> parse_local(std::string_view s) noexcept {
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-'
      || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
      || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':'
      || !digits(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, mo) || h > 23
      || mi > 59 || se > 60)
    return std::nullopt;
  int ms = 0;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() == 20)
      return std::nullopt;
    int scale = 100;
    for (size_t i = 20; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9')
        return std::nullopt;
      ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + ms;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

} // namespace

std::optional<timestamp_ms> parse_iso8601_utc(std::string_view text) noexcept {
  std::string_view local;
  int offset = 0;
  bool had = false;
  if (!split_designator(text, local, offset, had))
    return std::nullopt;
  auto t = parse_local(local);
  if (!t)
    return std::nullopt;
  return *t - static_cast<timestamp_ms>(offset) * 60000;
}

bool has_utc_offset(std::string_view text) noexcept {
  std::string_view local;
  int offset = 0;
  bool had = false;
  return split_designator(text, local, offset, had) && had;
}

std::optional<int> fixed_zone_offset_minutes(std::string_view zone) noexcept {
  for (auto utc : {"UTC", "GMT", "Z", "Etc/UTC", "Etc/GMT", "Coordinated Universal Time",
                   "tzone://Microsoft/Utc", "UTC+00:00", "Greenwich Mean Time"})
    if (iequals(zone, utc))
      return 0;
  if (zone.size() > 3 && (iequals(zone.substr(0, 3), "UTC") || iequals(zone.substr(0, 3), "GMT")))
    return parse_offset(zone.substr(3));
  return parse_offset(zone);
}

std::optional<timestamp_ms> event_time_to_utc(std::string_view date_time,
                                              std::string_view zone) noexcept {
  if (has_utc_offset(date_time))
    return parse_iso8601_utc(date_time);
  auto local = parse_local(date_time);
  if (!local)
    return std::nullopt;
  auto offset = fixed_zone_offset_minutes(zone);
  // Named zones with daylight rules are read as UTC (see the header's limitation).
  return *local - static_cast<timestamp_ms>(offset.value_or(0)) * 60000;
}

std::string format_iso8601_utc(timestamp_ms at) {
  int64_t secs = at >= 0 ? at / 1000 : (at - 999) / 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

} // namespace m365
