// Ownership: value types. An exclusion/inclusion rule as stored and exchanged. The predicate tree
// travels as canonical JSON text (`match`); rules/ compiles it.
#pragma once

#include <cstdint>
#include <string>


#include "messages/verdict.hpp"

namespace m365 {

/// Precedence order: user rules first, then the tenant's, then org-wide.
enum class rule_level : uint8_t { user = 0, tenant = 1, org = 2 };
enum class rule_target : uint8_t { email = 1, event = 2, both = 3 };

struct rule {
  std::string id;
  rule_level level = rule_level::org;
  std::string scope;            ///< user id for user rules, tenant id for tenant rules, empty for org
  rule_target applies_to = rule_target::both;
  rule_action action = rule_action::exclude;
  int32_t priority = 100;       ///< lower is tried first within a level
  bool enabled = true;
  std::string note;
  uint32_t version = 1;         ///< bumped on every change; recorded with each verdict
  std::string match;            ///< predicate tree as JSON, e.g. {"subject_contains":"Newsletter"}
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule& x) {
  return f(x.id, x.level, x.scope, x.applies_to, x.action,
           x.priority, x.enabled, x.note, x.version, x.match);
}

const char* to_string(rule_level x) noexcept;
const char* to_string(rule_target x) noexcept;
const char* to_string(rule_action x) noexcept;

} // namespace m365
