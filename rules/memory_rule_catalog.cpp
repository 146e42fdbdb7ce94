// In-memory rule_context_catalog.
#include "rules/memory_rule_catalog.hpp"

namespace m365 {

void memory_rule_catalog::add_tenant(tenant_id tenant) {
  tenants_.insert(std::move(tenant));
}

void memory_rule_catalog::add_user(user_assignment assignment) {
  auto key = assignment.user;
  users_[key] = std::move(assignment);
}

bool memory_rule_catalog::has_tenant(const tenant_id& tenant) const {
  return tenants_.count(tenant) != 0;
}

std::optional<user_assignment> memory_rule_catalog::find_user(const user_id& user) const {
  auto i = users_.find(user);
  if (i == users_.end())
    return std::nullopt;
  return i->second;
}

} // namespace m365
