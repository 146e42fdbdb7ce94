// Ownership: see header.
#include "adapters/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

namespace m365 {

namespace {

using std::chrono::milliseconds;

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form RFC 9110 requires senders to use.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s.substr(25) != " GMT")
    return std::nullopt;
  auto num = [&](size_t pos, size_t n) -> int {
    std::string_view d = s.substr(pos, n);
    return all_digits(d) ? std::stoi(std::string(d)) : -1;
  };
  const int day = num(5, 2), year = num(12, 4), hh = num(17, 2), mm = num(20, 2), ss = num(23, 2);
  int month = -1;
  for (int i = 0; i < 12; ++i)
    if (s.substr(8, 3) == months[i])
      month = i;
  if (day < 1 || day > 31 || month < 0 || year < 1970 || hh < 0 || hh > 23 || mm < 0 || mm > 59
      || ss < 0 || ss > 60 || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':'
      || s[22] != ':')
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  const time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1))
    return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

} // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (value.empty())
    return std::nullopt;
  const auto dot = value.find('.');
  const std::string_view whole = value.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{}
                                                              : value.substr(dot + 1);
  if (all_digits(whole) && (dot == std::string_view::npos || all_digits(frac))) {
    if (whole.size() > 9)
      return milliseconds{999999999LL * 1000};
    long long ms = std::stoll(std::string(whole)) * 1000;
    // Fractions round up so the client never sends before the server's moment.
    long long scale = 100, part = 0;
    bool remainder = false;
    for (char c : frac) {
      if (scale > 0) {
        part += (c - '0') * scale;
        scale /= 10;
      } else if (c != '0') {
        remainder = true;
      }
    }
    return milliseconds{ms + part + (remainder ? 1 : 0)};
  }
  if (auto at = parse_http_date(value)) {
    auto left = std::chrono::ceil<milliseconds>(*at - now);
    return std::max(left, milliseconds{0});
  }
  return std::nullopt;
}

retry_policy::retry_policy(retry_settings settings, random_source random)
  : settings_(settings), random_(std::move(random)) {}

milliseconds retry_policy::backoff(int attempts) const {
  auto ms = [](milliseconds m) { return static_cast<double>(std::max<long long>(m.count(), 0)); };
  const double cap = ms(settings_.cap);
  const double floor = std::min(cap, ms(settings_.floor));
  const int exponent = std::clamp(attempts - 1, 0, 30);
  const double span = std::min(cap - floor, ms(settings_.base) * std::ldexp(1.0, exponent));
  const double r = std::clamp(random_ ? random_() : 1.0, 0.0, 1.0);
  return milliseconds{static_cast<long long>(std::llround(floor + r * span))};
}

retry_decision retry_policy::on_transport_error(int attempts) const {
  retry_decision d;
  if (attempts >= settings_.max_attempts) {
    d.action = retry_action::fail;
    d.error = graph_errc::transport;
    return d;
  }
  d.action = retry_action::retry;
  d.delay = backoff(attempts);
  return d;
}

retry_decision retry_policy::on_response(unsigned http_status, std::string_view retry_after,
                                         int attempts,
                                         std::chrono::system_clock::time_point now) const {
  retry_decision d;
  if (http_status < 400) {
    d.action = retry_action::deliver;
    return d;
  }
  const bool budget_left = attempts < settings_.max_attempts;
  switch (http_status) {
    case 429:
    case 503:
    case 504: {
      d.error = graph_errc::throttled;
      auto wait = retry_after.empty() ? std::nullopt : parse_retry_after(retry_after, now);
      if (!budget_left || (wait && *wait > settings_.max_retry_after)) {
        d.action = retry_action::fail;
        return d;
      }
      d.action = retry_action::retry;
      d.delay = wait ? *wait : backoff(attempts);
      d.pause_mailbox = true;
      return d;
    }
    case 500:
    case 502:
      d.error = graph_errc::server_error;
      if (!budget_left) {
        d.action = retry_action::fail;
        return d;
      }
      d.action = retry_action::retry;
      d.delay = backoff(attempts);
      return d;
    case 401: d.error = graph_errc::unauthorized; break;
    case 403: d.error = graph_errc::forbidden; break;
    case 404: d.error = graph_errc::not_found; break;
    case 410: d.error = graph_errc::sync_state_gone; break;
    case 412: d.error = graph_errc::precondition_failed; break;
    default:
      d.error = http_status >= 500 ? graph_errc::server_error : graph_errc::request_rejected;
      break;
  }
  d.action = retry_action::fail;
  return d;
}

} // namespace m365
