// Ownership: free functions; safe from any thread (the catalog must be safe to read).
// Validation of a rule's envelope (id, level, scope, applies_to) and of its match tree.
//
// Decisions (design.md section 3 leaves them open):
// * id: 1..128 characters of [A-Za-z0-9_.-]; unique within a rule set.
// * org rules have no scope; tenant rules name an existing tenant; user rules name an existing
//   user, optionally pinned to a tenant as "tenant/user" (see rule_scope.hpp), in which case the
//   user must belong to that tenant (its current one, or the one it is moving away from).
// * applies_to: a leaf over a field that no item kind of the rule carries (folder on an
//   event-only rule; sensitivity, recurring or show_as on an email-only rule) is an ERROR: the
//   leaf could never be true, which is almost certainly a mistake. On an applies_to=both rule the
//   same leaf is a WARNING (it is false on the kind that lacks the field).
#pragma once

#include <string>
#include <vector>

#include "messages/rule.hpp"
#include "messages/status.hpp"
#include "rules/predicate.hpp"
#include "rules/rule_context_catalog.hpp"

namespace m365 {

/// Longest accepted rule id.
constexpr size_t max_rule_id_length = 128;

/// Everything that can be checked without the catalog: id syntax, enum ranges, scope syntax,
/// the match tree. This is what compile() requires of each rule. On success and when `parsed`
/// is given, stores the parsed tree there.
status check_rule_shape(const rule& r, predicate_node* parsed = nullptr);

/// check_rule_shape(), the applies_to consistency check, and the catalog: the tenant of a tenant
/// rule exists; the user of a user rule exists and, when pinned, belongs to the named tenant.
/// Non-fatal findings are appended to `warnings` when given. Errors are invalid_argument with a
/// message naming the field, e.g. "scope: tenant 'fabrikam' does not exist".
status validate_rule(const rule& r, const rule_context_catalog& catalog,
                     std::vector<std::string>* warnings = nullptr);

/// validate_rule() for each rule plus unique ids. Messages (and warnings) are prefixed with
/// "rule '<id>': ". Stops at the first error.
status validate_rule_set(const std::vector<rule>& rules, const rule_context_catalog& catalog,
                         std::vector<std::string>* warnings = nullptr);

} // namespace m365
