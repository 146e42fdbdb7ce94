#include "sim/event_instance.hpp"

#include <algorithm>

namespace m365::sim {

namespace {

/// Calls `f(n, start)` for each occurrence of the series in order; stops when f returns false.
template <class F>
void for_each_occurrence(const event_fields& e, F&& f) {
  const recurrence_rule& r = *e.recurrence;
  int64_t time_of_day = ((e.start % 86400) + 86400) % 86400;
  int64_t day = r.range_start / 86400;
  int64_t last_day = r.range_end ? r.range_end / 86400 : day + 3660;
  int interval = std::max(1, r.interval);
  uint32_t n = 0;
  int limit = r.count > 0 ? r.count : 1000;
  int64_t first_week = (day + 4) / 7; // weeks counted from a Sunday-aligned origin
  for (; day <= last_day && static_cast<int>(n) < limit; ++day) {
    bool hit;
    if (r.type == "daily") {
      hit = (day - r.range_start / 86400) % interval == 0;
    } else {
      int dow = static_cast<int>((day + 4) % 7);
      bool in_days = r.days_of_week.empty() ? dow == static_cast<int>((r.range_start / 86400 + 4) % 7)
                                            : std::find(r.days_of_week.begin(), r.days_of_week.end(), dow) !=
                                                r.days_of_week.end();
      hit = in_days && (((day + 4) / 7 - first_week) % interval == 0);
    }
    if (!hit)
      continue;
    ++n;
    if (!f(n, day * 86400 + time_of_day))
      return;
  }
}

event_instance make(const event_fields& e, uint32_t n, int64_t start) {
  int64_t dur = e.end - e.start;
  event_instance in{n, "occurrence", start, start + dur, nullptr};
  for (auto& x : e.exceptions) {
    if (x.original_start == start) {
      in.exception = &x;
      if (!x.cancelled) {
        in.type = "exception";
        in.start = x.start;
        in.end = x.end;
      }
    }
  }
  return in;
}

} // namespace

std::vector<event_instance> expand_instances(const event_fields& e, int64_t ws, int64_t we) {
  std::vector<event_instance> out;
  if (!e.recurrence) {
    if (e.start < we && e.end > ws)
      out.push_back({0, "singleInstance", e.start, e.end, nullptr});
    return out;
  }
  for_each_occurrence(e, [&](uint32_t n, int64_t start) {
    event_instance in = make(e, n, start);
    if (in.exception && in.exception->cancelled)
      return true;
    if (in.start < we && in.end > ws)
      out.push_back(in);
    return start < we + 86400 * 2; // moved exceptions may shift a little past the window
  });
  return out;
}

bool find_instance(const event_fields& e, uint32_t occurrence, event_instance& out) {
  if (!e.recurrence)
    return false;
  bool found = false;
  for_each_occurrence(e, [&](uint32_t n, int64_t start) {
    if (n != occurrence)
      return true;
    out = make(e, n, start);
    found = !(out.exception && out.exception->cancelled);
    return false;
  });
  return found;
}

} // namespace m365::sim
