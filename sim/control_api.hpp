// Ownership: one per server, shared by all server threads; state lives in `world`.
// The simulator's own JSON API under `/_sim/` (no authentication: loopback test tool).
//
//   GET    /_sim/manifest                               the manifest (same as --manifest FILE)
//   GET    /_sim/counters                               counters snapshot
//   POST   /_sim/counters/reset                         zero every counter
//   GET    /_sim/faults                                 active fault profile
//   PUT|POST /_sim/faults                               replace it (body: fault_profile.hpp schema)
//   PUT    /_sim/throttle {"max_concurrent":4,"max_requests":10000,"window_s":600}
//   GET    /_sim/mailboxes/{user}/truth                 ground truth of one mailbox
//   POST   /_sim/mailboxes/{user}/messages              add: {"folder":"inbox","subject","body",
//            "from":{"name","address"},"to":[{"name","address"}],"internet_message_id",
//            "is_read","categories":[…],"importance","conversation_id"} -> 201 {"id",
//            "immutable_id","internet_message_id","folder"}
//   PATCH  /_sim/mailboxes/{user}/messages/{id}         {"subject","is_read","categories",
//            "importance","flag_status"} -> 200 {"id","immutable_id",…}
//   POST   /_sim/mailboxes/{user}/messages/{id}/move    {"folder":"archive"} -> 200 {"id",…}
//   DELETE /_sim/mailboxes/{user}/messages/{id}         -> 204 (delta shows @removed)
//   POST   /_sim/mailboxes/{user}/events                Graph event body -> 201 {"id","ical_uid"}
//   PATCH  /_sim/mailboxes/{user}/events/{id}           Graph event body -> 200 {"id","change_key"}
//   DELETE /_sim/mailboxes/{user}/events/{id}           -> 204
//   POST   /_sim/mailboxes/{user}/invalidate            every delta link of the mailbox -> 410
//   POST   /_sim/tenants/{slug}/revoke_tokens           {"after_requests": N} (optional, default 0)
//            -> 200: once the tenant's next N Graph requests were served, every access token it
//            was issued before answers 401 InvalidAuthenticationToken (see token_revocation.hpp)
//
// {user} is an object id or UPN; {id} a message id in either form (regular or immutable).
// Errors: {"error":{"code","message"}} with 400/404.
#pragma once

#include "sim/http_types.hpp"
#include "sim/sim_response.hpp"
#include "sim/world.hpp"

namespace m365::sim {

class control_api {
public:
  explicit control_api(world& w) : world_(w) {}
  sim_response handle(const http_request& req);

private:
  sim_response truth(uint32_t user);
  sim_response mailbox_call(const http_request& req, uint32_t user, const std::vector<std::string>& rest);
  world& world_;
};

} // namespace m365::sim
