// Ownership: pure functions, thread-safe. Graph's error body shape everywhere:
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}, and the
// throttling variant of the docs (innerError code/status as strings "429").
#pragma once

#include <string>
#include <string_view>

namespace m365::sim {

std::string graph_error_body(std::string_view code, std::string_view message);
std::string graph_throttled_body(std::string_view code, std::string_view message);

} // namespace m365::sim
