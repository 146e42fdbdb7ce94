// Ownership: one per org, shared by every stream actor; owns the rule_set_holder that the rule
// evaluator actor (or the API) swaps on a rule change. Threading: apply() from any number of
// threads at once; each call loads the current compiled set once, so a page is decided by one
// consistent rule set even while a new one is being stored.
#pragma once

#include <memory>

#include "actors/item_filter.hpp"
#include "rules/rule_set_holder.hpp"

namespace m365 {

/// The engine's item_filter over compiled rules (rules/): verdicts recorded in each item,
/// excluded items turned into removals.
class rule_filter : public item_filter {
public:
  explicit rule_filter(std::shared_ptr<rule_set_holder> rules) : rules_(std::move(rules)) {}

  uint64_t apply(email_page& page, const std::vector<std::string>& internal_domains) override;
  uint64_t apply(event_page& page, const std::vector<std::string>& internal_domains) override;

  rule_set_holder& rules() noexcept { return *rules_; }

private:
  std::shared_ptr<rule_set_holder> rules_;
};

} // namespace m365
