// Ownership: interface; implementations say their own threading. What rule validation needs to
// know about the deployment: which tenants exist, which users exist and where they belong.
#pragma once

#include <optional>

#include "messages/ids.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// Answers the questions validate_rule() asks. The store or the config loader implements it;
/// memory_rule_catalog is the in-memory one (tests, config files).
class rule_context_catalog {
public:
  virtual ~rule_context_catalog() = default;

  /// True when a tenant instance with this slug is configured (enabled or not).
  virtual bool has_tenant(const tenant_id& tenant) const = 0;

  /// The user's assignment (current tenant, and the tenant being left during a move), or
  /// nothing when the user does not exist.
  virtual std::optional<user_assignment> find_user(const user_id& user) const = 0;
};

} // namespace m365
