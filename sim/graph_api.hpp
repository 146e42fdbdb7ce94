// Ownership: one per server, shared by all server threads; stateless itself (state is in
// `world`). Microsoft Graph v1.0 and the token endpoint: users, mailFolders, message delta,
// calendarView delta, events CRUD with transactionId idempotency, $batch, authentication,
// per-(app, mailbox) throttling and seeded faults.
#pragma once

#include <string>
#include <string_view>

#include "sim/http_types.hpp"
#include "sim/sim_response.hpp"
#include "sim/world.hpp"

namespace m365::sim {

/// One Graph call: a top-level request or one item of a $batch.
struct graph_call {
  std::string method;        ///< upper case
  std::string target;        ///< `/v1.0/users/…?…`
  std::string authorization;
  std::string prefer;        ///< every Prefer header, comma-joined
  std::string if_match;
  std::string body;
};

class graph_api {
public:
  explicit graph_api(world& w) : world_(w) {}

  /// A request whose path starts with `/v1.0/`.
  sim_response handle(const http_request& req);
  /// `POST /{tenant}/oauth2/v2.0/token`.
  sim_response handle_token(const http_request& req, std::string_view tenant);

private:
  sim_response execute(const graph_call& call, bool in_batch);
  sim_response batch(const graph_call& call);

  world& world_;
};

} // namespace m365::sim
