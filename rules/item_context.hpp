// Ownership: a view; it borrows the caller's data for the duration of one evaluation.
// What the rule evaluator needs to know about an item beyond the item itself.
#pragma once

#include <string>
#include <vector>

namespace m365 {

struct item_context {
  /// The item's tenant's internal domains (tenant_settings::internal_domains; compared
  /// ASCII-case-insensitively). Null or empty: no domain is internal, so `internal_only: true`
  /// never holds.
  const std::vector<std::string>* internal_domains = nullptr;
};

} // namespace m365
