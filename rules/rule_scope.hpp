// Ownership: free function over views; safe from any thread. The syntax of a user rule's scope.
//
// A user rule's scope is the CRM user id ("u-1001"): the rule follows the user, whichever tenant
// the user's items come from (users move between tenants). It may be pinned to one tenant as
// "tenant/user" ("contoso/u-1001"): then it applies only to that user's items synced from that
// tenant (useful during a phased move). Neither a tenant slug nor a user id may contain '/', so
// the split is unambiguous.
#pragma once

#include <string_view>

namespace m365 {

struct user_rule_scope {
  std::string_view tenant;  ///< empty when the rule is not pinned to a tenant
  std::string_view user;
};

/// Splits "tenant/user" or "user".
inline user_rule_scope split_user_scope(std::string_view scope) noexcept {
  auto slash = scope.find('/');
  if (slash == std::string_view::npos)
    return {{}, scope};
  return {scope.substr(0, slash), scope.substr(slash + 1)};
}

} // namespace m365
