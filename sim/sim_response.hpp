// Ownership: value type moved from a handler to the connection that writes it.
// A response plus what the connection must do to it (delay, cut the body, reset the socket)
// and a guard that ends the request's throttle slot once the bytes are out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace m365::sim {

struct sim_response {
  enum class delivery : uint8_t { normal, truncate, reset };
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
  delivery how = delivery::normal;
  uint32_t latency_ms = 0;
  std::shared_ptr<void> release; ///< dropped after the write: frees the throttle slot
};

} // namespace m365::sim
