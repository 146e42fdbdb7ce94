// Ownership: value types and pure functions; safe from any thread (the catalog must be safe to
// read). Editing the rule set: what the rule evaluator (and later the admin API, through it)
// checks and writes for one put or remove, before it compiles and publishes the new set.
//
// An edit never touches the store: it returns the whole set after the change and the
// rule_change that persists it in one transaction (lmdb_store::change_rules), with an audit
// record whose details are {"rule", "before", "after"} (each side rule_to_json, or null).
#pragma once

#include <string>
#include <vector>

#include "messages/expected.hpp"
#include "messages/rule.hpp"
#include "messages/rule_admin.hpp"
#include "rules/rule_context_catalog.hpp"

namespace m365 {

struct rule_edit {
  std::vector<rule> rules;            ///< the whole set after the change, in the order given
  rule_change change;                 ///< what the store writes; empty when `unchanged`
  rule subject;                       ///< put: the rule as it will be stored; remove: the removed one
  bool unchanged = false;             ///< put of a rule equal to the stored one: nothing to write
  std::vector<std::string> warnings;  ///< validate_rule()'s non-fatal findings
};

/// Adds `candidate` to `current`, or replaces the rule of its id. The candidate must pass
/// validate_rule() against `catalog` (invalid_argument, one problem per line, otherwise). A
/// replaced rule's version becomes the stored version + 1 (or the candidate's, when higher), so
/// stored verdicts tell the two apart; a candidate equal to the stored rule in everything but
/// the version is `unchanged`. Audit action "rule.put".
expected<rule_edit> edit_put(const std::vector<rule>& current, rule candidate,
                             const rule_context_catalog& catalog, const std::string& actor,
                             timestamp_ms at);

/// Removes the rule `rule_id` from `current`; not_found when there is none. Audit action
/// "rule.remove".
expected<rule_edit> edit_remove(const std::vector<rule>& current, const std::string& rule_id,
                                const std::string& actor, timestamp_ms at);

/// True when the two rules are the same in every field but the version.
bool same_rule_content(const rule& a, const rule& b) noexcept;

} // namespace m365
