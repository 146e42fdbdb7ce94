// Ownership: the demo owns one; it refers to the simulator's world, which must outlive it.
// Threading: any thread (the control API locks what it touches).
#pragma once

#include <string>
#include <utility>

#include <boost/json/value.hpp>

#include "sim/control_api.hpp"

namespace m365::cli {

/// The simulator's /_sim/ API (sim/control_api.hpp) called in-process: the same handler that
/// serves it over HTTP, without a client or a socket.
class sim_control {
public:
  explicit sim_control(sim::world& world) : api_(world) {}

  /// `method` "GET", "POST", ...; `target` "/_sim/…". Returns the status and the parsed body
  /// (null when empty or not JSON).
  std::pair<unsigned, boost::json::value> call(const std::string& method,
                                               const std::string& target,
                                               const std::string& body = {});

private:
  sim::control_api api_;
};

} // namespace m365::cli
