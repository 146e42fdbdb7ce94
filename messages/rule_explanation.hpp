// Ownership: value types. What explaining a verdict gives (rules/ computes it, the rule evaluator
// answers it): the rules tried for one item, level by level in precedence order, and the one
// that decided. Rendered as text or JSON by rules/rule_explanation.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/rule.hpp"
#include "messages/verdict.hpp"

namespace m365 {

/// Why a rule did or did not decide.
enum class rule_outcome : uint8_t {
  matched = 0,    ///< the match tree was true: this rule decided
  not_matched,    ///< the match tree was false
  disabled,       ///< skipped: enabled = false
  other_kind,     ///< skipped: applies_to does not cover this item kind
  other_tenant,   ///< skipped: a user rule pinned to another tenant ("tenant/user" scope)
};

const char* to_string(rule_outcome x) noexcept;

struct tried_rule {
  std::string id;
  uint32_t version = 0;
  rule_level level = rule_level::org;
  std::string scope;
  int32_t priority = 0;
  rule_action action = rule_action::include;
  rule_outcome outcome = rule_outcome::not_matched;
  /// Paths of the leaves that were true for this item (e.g. "match.any[0].subject_contains");
  /// for a match they show what made it match. Empty for skipped rules.
  std::vector<std::string> true_leaves;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tried_rule& x) {
  return f(x.id, x.version, x.level, x.scope, x.priority,
           x.action, x.outcome, x.true_leaves);
}

struct rule_explanation {
  /// "email" or "event".
  std::string item_kind;
  /// Every rule of the item's user, then tenant, then org, in precedence order, up to and
  /// including the deciding one. Rules after it were not tried and are not listed.
  std::vector<tried_rule> tried;
  /// The verdict; an empty rule id means no rule matched (default include).
  verdict decision;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_explanation& x) {
  return f(x.item_kind, x.tried, x.decision);
}

} // namespace m365
