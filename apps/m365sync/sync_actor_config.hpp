// Ownership: built on the main thread, handed to the caf::actor_system it configures.
#pragma once

#include <cstdint>

#include <caf/actor_system_config.hpp>

namespace m365::cli {

/// The CAF configuration of m365sync: the m365 type-id block and error categories, and the
/// scheduler's worker count (0 = CAF's default, one per core).
struct sync_actor_config : caf::actor_system_config {
  explicit sync_actor_config(uint32_t threads);
};

} // namespace m365::cli
