// Ownership: one per server, shared by all threads (internally locked).
// What the simulator saw: requests by tenant/mailbox/status, the highest concurrency a client
// reached per mailbox, requests that ignored a Retry-After, wrong-tenant tokens, suppressed
// duplicate creates, and each injected fault. Tests and the conformance suite assert on these.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace m365::sim {

class counters {
public:
  void request(const std::string& tenant, const std::string& mailbox, unsigned status);
  void concurrency(const std::string& mailbox, unsigned in_flight);
  void early_request(const std::string& mailbox);
  void wrong_tenant_token(const std::string& tenant);
  void duplicate_create_suppressed(const std::string& mailbox);
  void fault(const std::string& kind);
  void token_issued(const std::string& tenant);
  void token_error(const std::string& tenant, const std::string& code);

  /// Snapshot as JSON (see the `/_sim/counters` contract in control_api.hpp).
  std::string to_json() const;
  void reset();

  // Point reads for tests.
  uint64_t early_requests_total() const;
  uint64_t wrong_tenant_total() const;
  uint64_t duplicates_total() const;
  unsigned max_concurrency(const std::string& mailbox) const;
  uint64_t fault_count(const std::string& kind) const;
  uint64_t status_count(unsigned status) const;
  uint64_t tokens_issued(const std::string& tenant) const;
  uint64_t mailbox_requests(const std::string& mailbox) const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> by_tenant_;
  std::map<std::string, uint64_t> by_mailbox_;
  std::map<unsigned, uint64_t> by_status_;
  std::map<std::string, std::map<unsigned, uint64_t>> by_mailbox_status_;
  std::map<std::string, unsigned> max_concurrency_;
  std::map<std::string, uint64_t> early_;
  std::map<std::string, uint64_t> wrong_tenant_;
  std::map<std::string, uint64_t> duplicates_;
  std::map<std::string, uint64_t> faults_;
  std::map<std::string, uint64_t> tokens_issued_;
  std::map<std::string, std::map<std::string, uint64_t>> token_errors_;
};

} // namespace m365::sim
