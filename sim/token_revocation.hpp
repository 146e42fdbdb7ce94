// Ownership: one per server (in `world`), shared by all server threads; lock-free (atomics per
// tenant, sized at start: tenants are fixed).
// Revoked access tokens, as after an admin revokes an app's sessions in Entra: every token a
// tenant was issued before the revocation answers 401 InvalidAuthenticationToken on Graph,
// tokens issued afterwards work. A test revokes at once, or after the tenant's next N Graph
// requests, so the revocation lands in the middle of a sync round deterministically.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace m365::sim {

class identity;

class token_revocation {
public:
  explicit token_revocation(size_t tenants);

  /// Revokes tenant `tenant`'s tokens once `after_requests` more of its Graph requests were
  /// served (0: at once, with `next_serial` the serial the next minted token gets).
  void schedule(uint32_t tenant, uint64_t after_requests, uint64_t next_serial);

  /// Called for every Graph request of `tenant` with a valid token of serial `serial`: true
  /// when that token is revoked. Counts the request towards a scheduled revocation, which
  /// then takes `id.next_serial()` as its cut.
  bool refuses(uint32_t tenant, uint64_t serial, const identity& id);

private:
  size_t tenants_;
  std::unique_ptr<std::atomic<uint64_t>[]> countdown_;  ///< requests left before a revocation
  std::unique_ptr<std::atomic<uint64_t>[]> cut_;        ///< tokens with a lower serial refused
};

} // namespace m365::sim
