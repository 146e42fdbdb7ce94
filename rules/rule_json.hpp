// Ownership: free functions; safe from any thread. The JSON form of a rule, as written in config
// files (rules[]) and API bodies (design.md section 3), in and out. One decoder for both so that
// a rule means the same thing wherever it comes from.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "messages/expected.hpp"
#include "messages/rule.hpp"

namespace m365 {

/// Decodes one rule object:
/// `{"id", "level": org|tenant|user, "scope", "applies_to": email|event|both (default both),
///   "action": include|exclude, "priority" (integer, default 100), "enabled" (default true),
///   "note", "version" (integer >= 1, default 1), "match": {…}}`.
/// `match` is stored as canonical JSON text. With `base`, absent fields keep base's values (a
/// PATCH); without, id, level, action and match are required. Unknown fields and wrong types
/// are errors naming the field, e.g. "priority: must be an integer". The result also passes
/// check_rule_shape() (match tree, scope syntax); catalog checks are validate_rule()'s.
expected<rule> rule_from_json(const boost::json::object& object, const rule* base = nullptr);

/// Same, from JSON text (comments allowed, as in config files).
expected<rule> rule_from_json(std::string_view text, const rule* base = nullptr);

/// The JSON object of a rule (every field; match parsed back into an object).
boost::json::object rule_to_json(const rule& r);

} // namespace m365
