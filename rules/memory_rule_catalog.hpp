// Ownership: owns its maps; not synchronised (fill it, then share it read-only).
// An in-memory rule_context_catalog: for tests, for a config file's rules[] (its declared
// tenants and users) and for the store's (rule_admin/store_rule_catalog.hpp).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "rules/rule_context_catalog.hpp"

namespace m365 {

class memory_rule_catalog : public rule_context_catalog {
public:
  void add_tenant(tenant_id tenant);
  /// Adds or replaces the user's assignment; does not add the tenant.
  void add_user(user_assignment assignment);

  bool has_tenant(const tenant_id& tenant) const override;
  std::optional<user_assignment> find_user(const user_id& user) const override;

private:
  std::unordered_set<tenant_id> tenants_;
  std::unordered_map<user_id, user_assignment> users_;
};

} // namespace m365
