// Ownership: a free function; safe from any thread. The one wall clock of the project's records
// (link updates, token expiry, audit and purge times, store creation): milliseconds since the
// Unix epoch, UTC.
#pragma once

#include <chrono>

#include "messages/ids.hpp"

namespace m365 {

inline timestamp_ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace m365
