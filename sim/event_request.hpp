// Ownership: pure functions, thread-safe. Reads a Graph event POST/PATCH body into
// `event_fields` (the subset the simulator keeps), reporting Graph-style validation errors.
#pragma once

#include <string_view>

#include "messages/expected.hpp"
#include "sim/dataset.hpp"

namespace m365::sim {

/// Applies the JSON object `body` onto `e` (POST: `e` is blank; PATCH: `e` is the current
/// version). `require_times`: POST needs start and end.
m365::status apply_event_json(std::string_view body, event_fields& e, bool require_times);

} // namespace m365::sim
