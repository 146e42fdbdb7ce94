#include "sim/time_text.hpp"

#include <chrono>
#include <cstdio>

namespace m365::sim {

namespace {

struct civil {
  int64_t y;
  unsigned m, d;
};

civil civil_from_days(int64_t z) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

void split(int64_t t, civil& c, int& hh, int& mm, int& ss) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t rem = t - days * 86400;
  c = civil_from_days(days);
  hh = static_cast<int>(rem / 3600);
  mm = static_cast<int>(rem % 3600 / 60);
  ss = static_cast<int>(rem % 60);
}

} // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t unix_now() noexcept {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_utc_z(int64_t t) {
  civil c;
  int hh, mm, ss;
  split(t, c, hh, mm, ss);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(c.y), c.m,
                c.d, hh, mm, ss);
  return buf;
}

std::string format_utc_ticks_z(int64_t t, uint32_t ticks) {
  civil c;
  int hh, mm, ss;
  split(t, c, hh, mm, ss);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%07uZ", static_cast<long long>(c.y),
                c.m, c.d, hh, mm, ss, ticks % 10000000u);
  return buf;
}

std::string format_event_local(int64_t t) {
  civil c;
  int hh, mm, ss;
  split(t, c, hh, mm, ss);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.0000000", static_cast<long long>(c.y),
                c.m, c.d, hh, mm, ss);
  return buf;
}

std::string format_date(int64_t t) {
  civil c;
  int hh, mm, ss;
  split(t, c, hh, mm, ss);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

std::string format_error_date(int64_t t) {
  std::string s = format_utc_z(t);
  s.pop_back();
  return s;
}

std::optional<int64_t> parse_iso_time(std::string_view s) {
  auto num = [&](size_t pos, size_t len, int64_t& out) {
    if (pos + len > s.size())
      return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9')
        return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int64_t y, mo, d, h = 0, mi = 0, se = 0;
  if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31)
    return std::nullopt;
  size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    if (!num(pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' || !num(pos + 4, 2, mi))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!num(pos + 1, 2, se))
        return std::nullopt;
      pos += 3;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
        ++pos;
    }
  }
  int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int64_t oh, om;
      if (!num(pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !num(pos + 4, 2, om))
        return std::nullopt;
      offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
      pos += 6;
    }
  }
  if (pos != s.size())
    return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + se - offset;
}

} // namespace m365::sim
