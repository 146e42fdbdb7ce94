// Ownership: free functions; safe from any thread. The JSON form of a rule, as written in config
// files (rules[]) and API bodies (design.md section 3), in and out. One decoder for both, so that
// a rule means the same thing wherever it comes from and whatever rule_to_json wrote decodes
// again to the same rule.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "messages/expected.hpp"
#include "messages/rule.hpp"
#include "rules/rule_problem.hpp"

namespace m365 {

/// Decodes one rule object:
/// `{"id", "level": org|tenant|user, "scope", "applies_to": email|event|both (default both),
///   "action": include|exclude, "priority" (integer, default 100), "enabled" (default true),
///   "note", "version" (integer >= 1, default 1), "match": {…}}`.
/// A member whose value is null counts as absent, except `scope` and `note`, which null (or
/// "") clears; so an org rule may say `"scope": ""` or `"scope": null`, as rule_to_json writes.
/// `match` is stored as canonical JSON text. With `base`, absent fields keep base's values (a
/// PATCH); without, id, level, action and match are required.
///
/// Every problem is appended to `problems` (none is left out for an earlier one), with its JSON
/// path relative to the rule object: "priority: must be an integer between ... (got 1.5)",
/// "match.any[0].subject_regex: invalid regex: ...". A config file prefixes its own path
/// ("rules[2]."). The result passes check_rule_shape() when nothing was added; catalog checks
/// (scopes that exist, applies_to consistency) are validate_rule()'s. Returns the rule as far as
/// it decoded, so a caller can still use its id for cross checks (duplicates).
rule decode_rule(const boost::json::object& object, const rule* base,
                 std::vector<rule_problem>& problems);

/// decode_rule(); the problems as one invalid_argument, one "path: what" per line.
expected<rule> rule_from_json(const boost::json::object& object, const rule* base = nullptr);

/// Same, from JSON text (comments allowed, as in config files).
expected<rule> rule_from_json(std::string_view text, const rule* base = nullptr);

/// The JSON object of a rule (every field; match parsed back into an object). decode_rule()
/// of it gives the same rule back.
boost::json::object rule_to_json(const rule& r);

} // namespace m365
