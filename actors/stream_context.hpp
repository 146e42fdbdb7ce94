// Ownership: value type; the tenant supervisor builds one for each mailbox and calendar actor it
// spawns (shared pieces are shared_ptrs or actor handles owned by the tenant and the org).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/expected.hpp>
#include <spdlog/logger.h>

#include "actors/engine_tuning.hpp"
#include "actors/graph_port.hpp"
#include "messages/interfaces.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// Reads the stored cursor of one stream (tenant, user, folder); a default link when none.
using link_loader =
  std::function<caf::expected<delta_link>(const tenant_id&, const user_id&, const std::string&)>;

/// Everything a stream actor needs.
struct stream_context {
  tenant_settings tenant;
  user_assignment user;
  std::shared_ptr<graph_port> port;
  token_actor tokens;
  persistence_actor persistence;
  /// The org's rule evaluator: subscribed to at start (the actor waits for the current set
  /// before anything else) and the source of every later set. Null: include everything.
  rule_evaluator_actor rules;
  link_loader load_link;                   ///< null: start every stream from scratch
  std::shared_ptr<spdlog::logger> log;     ///< the tenant's logger; null: spdlog default
  engine_tuning tuning;
};

} // namespace m365
