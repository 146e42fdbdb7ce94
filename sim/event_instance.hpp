// Ownership: pure functions, thread-safe. Expands a calendar item into the instances a
// calendarView shows inside a window: singles, occurrences and exceptions of a series
// (cancelled occurrences are left out, as Outlook does).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/dataset.hpp"

namespace m365::sim {

/// One instance of a calendar item inside a calendarView window.
struct event_instance {
  uint32_t occurrence = 0;       ///< 0 for a single instance, n >= 1 for the n-th occurrence
  std::string_view type;         ///< singleInstance | occurrence | exception
  int64_t start = 0;
  int64_t end = 0;
  const occurrence_exception* exception = nullptr;
};

/// Instances of `e` overlapping [window_start, window_end).
std::vector<event_instance> expand_instances(const event_fields& e, int64_t window_start, int64_t window_end);

/// The instance with occurrence number `occurrence` (no window); false if there is none.
bool find_instance(const event_fields& e, uint32_t occurrence, event_instance& out);

} // namespace m365::sim
