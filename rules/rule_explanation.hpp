// Ownership: free functions; safe from any thread. The rendering of what explain() returns (the
// value types are in messages/rule_explanation.hpp, so the rule evaluator can answer them).
#pragma once

#include <string>

#include "messages/rule_explanation.hpp"

namespace m365 {

/// Human-readable, one line per rule, grouped by level, ending with the decision.
std::string explanation_text(const rule_explanation& x);

/// {"item_kind":…, "tried":[{"id","version","level","scope","priority","action","outcome",
/// "true_leaves"}], "decision":{"action","rule_id","rule_version","default":bool}}.
std::string explanation_json(const rule_explanation& x);

} // namespace m365
