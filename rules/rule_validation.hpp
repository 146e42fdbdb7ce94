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
#include "rules/rule_problem.hpp"

namespace m365 {

/// Longest accepted rule id.
constexpr size_t max_rule_id_length = 128;

// -- single checks ------------------------------------------------------------------------------
// Each appends what it finds to `out`, with the path relative to the rule ("id", "scope",
// "match.any[0].show_as"). rule_from_json runs them on the fields it decoded cleanly; the
// composite checks below run them all.

/// The id syntax.
void check_rule_id(const std::string& id, std::vector<rule_problem>& out);
/// The scope syntax for the level (none for org; a tenant id; "user" or "tenant/user").
void check_rule_scope(rule_level level, const std::string& scope, std::vector<rule_problem>& out);
/// Parses the match tree (into `parsed` when given); false when it does not parse.
bool check_rule_match(const std::string& match_json, std::vector<rule_problem>& out,
                      predicate_node* parsed = nullptr);
/// Leaves the rule's item kinds cannot carry (see the header comment); non-fatal findings go
/// to `warnings` when given.
void check_rule_applies_to(const rule& r, const predicate_node& tree,
                           std::vector<rule_problem>& out, std::vector<std::string>* warnings);
/// The scope exists in the catalog (and a pinned user belongs to the named tenant).
void check_rule_catalog(const rule& r, const rule_context_catalog& catalog,
                        std::vector<rule_problem>& out);

// -- composite checks ---------------------------------------------------------------------------

/// Everything that can be checked without the catalog: id syntax, enum ranges, scope syntax,
/// the match tree. This is what compile() requires of each rule. On success and when `parsed`
/// is given, stores the parsed tree there. Errors list every problem, one "path: what" a line.
status check_rule_shape(const rule& r, predicate_node* parsed = nullptr);

/// check_rule_shape(), the applies_to consistency check, and the catalog: the tenant of a tenant
/// rule exists; the user of a user rule exists and, when pinned, belongs to the named tenant.
/// Non-fatal findings are appended to `warnings` when given. Errors are invalid_argument with
/// one problem per line, each naming its field, e.g. "scope: tenant 'fabrikam' does not exist".
status validate_rule(const rule& r, const rule_context_catalog& catalog,
                     std::vector<std::string>* warnings = nullptr);

/// validate_rule() for each rule plus unique ids. Messages (and warnings) are prefixed with
/// "rule '<id>': ". Stops at the first rule with an error.
status validate_rule_set(const std::vector<rule>& rules, const rule_context_catalog& catalog,
                         std::vector<std::string>* warnings = nullptr);

} // namespace m365
