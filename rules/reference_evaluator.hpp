// Ownership: owns a copy of the rules; const members are safe from any number of threads.
// The plain evaluator: written for clarity, not speed. For every item it filters the rules that
// apply, sorts them by precedence and walks each rule's match JSON directly with Boost.JSON.
// It shares no matching code with compiled_rule_set on purpose: the differential test runs both
// over random rule sets and items and expects identical verdicts, so it is the executable
// specification of predicate.hpp's semantics. Rules are assumed valid (check_rule_shape);
// a rule whose match does not parse never matches.
#pragma once

#include <vector>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/rule.hpp"
#include "messages/verdict.hpp"
#include "rules/item_context.hpp"

namespace m365 {

class reference_evaluator {
public:
  explicit reference_evaluator(std::vector<rule> rules);

  verdict evaluate(const email& item, const item_context& ctx) const;
  verdict evaluate(const event& item, const item_context& ctx) const;

private:
  std::vector<rule> rules_;
};

} // namespace m365
