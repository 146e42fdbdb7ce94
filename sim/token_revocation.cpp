// Ownership: see header.
#include "sim/token_revocation.hpp"

#include "sim/identity.hpp"

namespace m365::sim {

token_revocation::token_revocation(size_t tenants)
  : tenants_(tenants),
    countdown_(new std::atomic<uint64_t>[tenants]),
    cut_(new std::atomic<uint64_t>[tenants]) {
  for (size_t i = 0; i < tenants; ++i) {
    countdown_[i].store(0);
    cut_[i].store(0);
  }
}

void token_revocation::schedule(uint32_t tenant, uint64_t after_requests, uint64_t next_serial) {
  if (tenant >= tenants_)
    return;
  if (after_requests == 0)
    cut_[tenant].store(next_serial);
  countdown_[tenant].store(after_requests);
}

bool token_revocation::refuses(uint32_t tenant, uint64_t serial, const identity& id) {
  if (tenant >= tenants_)
    return false;
  // Decided before counting: the request that completes the countdown is still served.
  const bool refused = serial < cut_[tenant].load();
  uint64_t left = countdown_[tenant].load();
  while (left > 0 && !countdown_[tenant].compare_exchange_weak(left, left - 1)) {
  }
  if (left == 1)
    cut_[tenant].store(id.next_serial());
  return refused;
}

} // namespace m365::sim
