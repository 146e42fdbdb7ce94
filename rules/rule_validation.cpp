// Rule envelope and applies_to validation.
#include "rules/rule_validation.hpp"

#include <unordered_set>

#include "messages/ids.hpp"
#include "rules/error_text.hpp"
#include "rules/rule_scope.hpp"

namespace m365 {

namespace {

using rules_impl::quoted;

bool valid_rule_id(const std::string& id) {
  if (id.empty() || id.size() > max_rule_id_length)
    return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '.' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

status check_scope_syntax(const rule& r) {
  switch (r.level) {
    case rule_level::org:
      if (!r.scope.empty())
        return status::invalid_argument("scope: org rules have no scope (got " + quoted(r.scope)
                                        + ")");
      return status::ok();
    case rule_level::tenant:
      if (r.scope.empty())
        return status::invalid_argument("scope: a tenant rule needs the tenant id as its scope");
      if (!is_valid_tenant_id(r.scope))
        return status::invalid_argument("scope: " + quoted(r.scope)
                                        + " is not a tenant id (1..63 of [a-z0-9-])");
      return status::ok();
    case rule_level::user: {
      if (r.scope.empty())
        return status::invalid_argument("scope: a user rule needs the user id as its scope");
      auto s = split_user_scope(r.scope);
      if (r.scope.find('/') != std::string::npos && !is_valid_tenant_id(std::string(s.tenant)))
        return status::invalid_argument("scope: " + quoted(s.tenant)
                                        + " is not a tenant id (write \"tenant/user\" or \"user\")");
      if (!is_valid_user_id(std::string(s.user)))
        return status::invalid_argument("scope: " + quoted(s.user) + " is not a user id");
      return status::ok();
    }
  }
  return status::invalid_argument("level: must be org, tenant or user");
}

const char* kind_name(rule_target t) {
  return t == rule_target::email ? "emails" : "events";
}

/// Leaves the rule's items cannot carry: errors when no targeted kind has the field.
status check_applies_to(const rule& r, const predicate_node& root,
                        std::vector<std::string>* warnings) {
  status result;
  for_each_leaf(root, [&](const predicate_node& leaf) {
    if (!result)
      return;
    const auto& info = info_of(leaf.field);
    if (info.carried_by == rule_target::both || info.carried_by == r.applies_to)
      return;
    std::string msg = leaf.path + ": only " + kind_name(info.carried_by) + " carry " + info.name;
    if (r.applies_to != rule_target::both) {
      result = status::invalid_argument(msg + ", but the rule applies_to "
                                        + to_string(r.applies_to)
                                        + " (the leaf could never be true)");
      return;
    }
    if (warnings != nullptr) {
      auto other = info.carried_by == rule_target::email ? rule_target::event : rule_target::email;
      warnings->push_back(msg + "; on " + kind_name(other) + " this leaf is false");
    }
  });
  return result;
}

status check_catalog(const rule& r, const rule_context_catalog& catalog) {
  if (r.level == rule_level::tenant) {
    if (!catalog.has_tenant(r.scope))
      return status::invalid_argument("scope: tenant " + quoted(r.scope) + " does not exist");
    return status::ok();
  }
  if (r.level != rule_level::user)
    return status::ok();
  auto s = split_user_scope(r.scope);
  std::string user(s.user);
  std::string tenant(s.tenant);
  if (!tenant.empty() && !catalog.has_tenant(tenant))
    return status::invalid_argument("scope: tenant " + quoted(tenant) + " does not exist");
  auto assignment = catalog.find_user(user);
  if (!assignment)
    return status::invalid_argument("scope: user " + quoted(user) + " does not exist");
  if (!tenant.empty() && assignment->tenant != tenant && assignment->moving_from != tenant)
    return status::invalid_argument("scope: user " + quoted(user) + " belongs to tenant "
                                    + quoted(assignment->tenant) + ", not "
                                    + quoted(tenant));
  return status::ok();
}

} // namespace

status check_rule_shape(const rule& r, predicate_node* parsed) {
  if (r.id.empty())
    return status::invalid_argument("id: must not be empty");
  if (!valid_rule_id(r.id))
    return status::invalid_argument("id: " + quoted(r.id) + " must be 1.."
                                    + std::to_string(max_rule_id_length)
                                    + " characters of letters, digits, '_', '.', '-'");
  if (static_cast<uint8_t>(r.level) > static_cast<uint8_t>(rule_level::org))
    return status::invalid_argument("level: must be org, tenant or user");
  auto target = static_cast<uint8_t>(r.applies_to);
  if (target < 1 || target > 3)
    return status::invalid_argument("applies_to: must be email, event or both");
  if (static_cast<uint8_t>(r.action) > static_cast<uint8_t>(rule_action::exclude))
    return status::invalid_argument("action: must be include or exclude");
  if (auto st = check_scope_syntax(r); !st)
    return st;
  auto tree = parse_predicate(r.match);
  if (!tree)
    return tree.error();
  if (parsed != nullptr)
    *parsed = std::move(*tree);
  return status::ok();
}

status validate_rule(const rule& r, const rule_context_catalog& catalog,
                     std::vector<std::string>* warnings) {
  predicate_node tree;
  if (auto st = check_rule_shape(r, &tree); !st)
    return st;
  if (auto st = check_applies_to(r, tree, warnings); !st)
    return st;
  return check_catalog(r, catalog);
}

status validate_rule_set(const std::vector<rule>& rules, const rule_context_catalog& catalog,
                         std::vector<std::string>* warnings) {
  std::unordered_set<std::string> seen;
  for (const auto& r : rules) {
    std::vector<std::string> local;
    auto st = validate_rule(r, catalog, warnings != nullptr ? &local : nullptr);
    auto prefix = "rule " + quoted(r.id) + ": ";
    if (!st)
      return {st.code(), prefix + st.message()};
    if (!seen.insert(r.id).second)
      return status::invalid_argument(prefix + "id: used by more than one rule");
    if (warnings != nullptr)
      for (auto& w : local)
        warnings->push_back(prefix + w);
  }
  return status::ok();
}

} // namespace m365
