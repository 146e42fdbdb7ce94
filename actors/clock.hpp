// Wall-clock time for the engine's records (link updates, token expiry). Threading: any.
#pragma once

#include <chrono>

#include "messages/ids.hpp"

namespace m365 {

/// Milliseconds since the Unix epoch, UTC.
inline timestamp_ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace m365
