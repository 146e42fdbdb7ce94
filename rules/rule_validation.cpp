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

const char* kind_name(rule_target t) {
  return t == rule_target::email ? "emails" : "events";
}

/// The enum fields of a rule built in code (the decoder never produces other values).
void check_rule_enums(const rule& r, std::vector<rule_problem>& out) {
  if (static_cast<uint8_t>(r.level) > static_cast<uint8_t>(rule_level::org))
    out.push_back({"level", "must be org, tenant or user"});
  auto target = static_cast<uint8_t>(r.applies_to);
  if (target < 1 || target > 3)
    out.push_back({"applies_to", "must be email, event or both"});
  if (static_cast<uint8_t>(r.action) > static_cast<uint8_t>(rule_action::exclude))
    out.push_back({"action", "must be include or exclude"});
}

} // namespace

void check_rule_id(const std::string& id, std::vector<rule_problem>& out) {
  if (id.empty())
    out.push_back({"id", "must not be empty"});
  else if (!valid_rule_id(id))
    out.push_back({"id", quoted(id) + " must be 1.." + std::to_string(max_rule_id_length)
                           + " characters of letters, digits, '_', '.', '-'"});
}

void check_rule_scope(rule_level level, const std::string& scope,
                      std::vector<rule_problem>& out) {
  switch (level) {
    case rule_level::org:
      if (!scope.empty())
        out.push_back({"scope", "org rules have no scope (got " + quoted(scope) + ")"});
      return;
    case rule_level::tenant:
      if (scope.empty())
        out.push_back({"scope", "is required for a tenant rule (the tenant id it applies to)"});
      else if (!is_valid_tenant_id(scope))
        out.push_back({"scope", quoted(scope) + " is not a tenant id (1..63 of [a-z0-9-])"});
      return;
    case rule_level::user: {
      if (scope.empty()) {
        out.push_back({"scope", "is required for a user rule (the user id it applies to)"});
        return;
      }
      auto s = split_user_scope(scope);
      if (scope.find('/') != std::string::npos && !is_valid_tenant_id(std::string(s.tenant)))
        out.push_back({"scope", quoted(s.tenant)
                                  + " is not a tenant id (write \"tenant/user\" or \"user\")"});
      else if (!is_valid_user_id(std::string(s.user)))
        out.push_back({"scope", quoted(s.user) + " is not a user id"});
      return;
    }
  }
}

bool check_rule_match(const std::string& match_json, std::vector<rule_problem>& out,
                      predicate_node* parsed) {
  predicate_error where;
  auto tree = parse_predicate(match_json, &where);
  if (!tree) {
    out.push_back({std::move(where.path), std::move(where.what)});
    return false;
  }
  if (parsed != nullptr)
    *parsed = std::move(*tree);
  return true;
}

void check_rule_applies_to(const rule& r, const predicate_node& root,
                           std::vector<rule_problem>& out, std::vector<std::string>* warnings) {
  for_each_leaf(root, [&](const predicate_node& leaf) {
    const auto& info = info_of(leaf.field);
    if (info.carried_by == rule_target::both || info.carried_by == r.applies_to)
      return;
    std::string msg = std::string("only ") + kind_name(info.carried_by) + " carry " + info.name;
    if (r.applies_to != rule_target::both) {
      out.push_back({leaf.path, msg + ", but the rule applies_to " + to_string(r.applies_to)
                                  + " (the leaf could never be true)"});
      return;
    }
    if (warnings != nullptr) {
      auto other = info.carried_by == rule_target::email ? rule_target::event : rule_target::email;
      warnings->push_back(leaf.path + ": " + msg + "; on " + kind_name(other)
                          + " this leaf is false");
    }
  });
}

void check_rule_catalog(const rule& r, const rule_context_catalog& catalog,
                        std::vector<rule_problem>& out) {
  if (r.level == rule_level::tenant) {
    if (!catalog.has_tenant(r.scope))
      out.push_back({"scope", "tenant " + quoted(r.scope) + " does not exist"});
    return;
  }
  if (r.level != rule_level::user)
    return;
  auto s = split_user_scope(r.scope);
  std::string user(s.user);
  std::string tenant(s.tenant);
  if (!tenant.empty() && !catalog.has_tenant(tenant)) {
    out.push_back({"scope", "tenant " + quoted(tenant) + " does not exist"});
    return;
  }
  auto assignment = catalog.find_user(user);
  if (!assignment)
    out.push_back({"scope", "user " + quoted(user) + " does not exist"});
  else if (!tenant.empty() && assignment->tenant != tenant && assignment->moving_from != tenant)
    out.push_back({"scope", "user " + quoted(user) + " belongs to tenant "
                              + quoted(assignment->tenant) + ", not " + quoted(tenant)});
}

status check_rule_shape(const rule& r, predicate_node* parsed) {
  std::vector<rule_problem> problems;
  check_rule_id(r.id, problems);
  check_rule_enums(r, problems);
  if (problems.empty())
    check_rule_scope(r.level, r.scope, problems);
  check_rule_match(r.match, problems, parsed);
  return to_status(problems);
}

status validate_rule(const rule& r, const rule_context_catalog& catalog,
                     std::vector<std::string>* warnings) {
  std::vector<rule_problem> problems;
  check_rule_id(r.id, problems);
  check_rule_enums(r, problems);
  bool envelope_ok = problems.empty();
  if (envelope_ok)
    check_rule_scope(r.level, r.scope, problems);
  bool scope_ok = problems.empty();
  predicate_node tree;
  if (check_rule_match(r.match, problems, &tree) && envelope_ok)
    check_rule_applies_to(r, tree, problems, warnings);
  if (scope_ok)
    check_rule_catalog(r, catalog, problems);
  return to_status(problems);
}

status validate_rule_set(const std::vector<rule>& rules, const rule_context_catalog& catalog,
                         std::vector<std::string>* warnings) {
  std::unordered_set<std::string> seen;
  for (const auto& r : rules) {
    std::vector<std::string> local;
    auto st = validate_rule(r, catalog, warnings != nullptr ? &local : nullptr);
    auto prefix = "rule " + quoted(r.id) + ": ";
    if (!st) {
      // Every line names the rule, so a multi-line answer reads on its own.
      std::string message;
      size_t at = 0;
      const auto& text = st.message();
      while (at <= text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string::npos)
          end = text.size();
        message += (message.empty() ? "" : "\n") + prefix + text.substr(at, end - at);
        at = end + 1;
      }
      return {st.code(), message};
    }
    if (!seen.insert(r.id).second)
      return status::invalid_argument(prefix + "id: used by more than one rule");
    if (warnings != nullptr)
      for (auto& w : local)
        warnings->push_back(prefix + w);
  }
  return status::ok();
}

} // namespace m365
