// Preview of a rule change over stored items.
#include "rules/rule_preview.hpp"

#include <algorithm>

#include "rules/error_text.hpp"

namespace m365 {

rule_preview::rule_preview(std::shared_ptr<const compiled_rule_set> current,
                           std::shared_ptr<const compiled_rule_set> candidate,
                           size_t sample_limit)
  : current_(current ? std::move(current) : compiled_rule_set::empty_set()),
    candidate_(candidate ? std::move(candidate) : compiled_rule_set::empty_set()),
    sample_limit_(sample_limit) {}

namespace {

expected<rule_preview> make(const std::vector<rule>& current, std::vector<rule> next,
                            size_t sample_limit) {
  auto now = compiled_rule_set::compile(current);
  if (!now)
    return status{now.error().code(), "current rules: " + now.error().message()};
  auto after = compiled_rule_set::compile(std::move(next));
  if (!after)
    return after.error();
  return rule_preview(std::move(*now), std::move(*after), sample_limit);
}

} // namespace

expected<rule_preview> rule_preview::for_candidate_rule(const std::vector<rule>& current,
                                                        const rule& candidate,
                                                        size_t sample_limit) {
  auto next = current;
  auto same = std::find_if(next.begin(), next.end(),
                           [&](const rule& r) { return r.id == candidate.id; });
  if (same != next.end())
    *same = candidate;
  else
    next.push_back(candidate);
  return make(current, std::move(next), sample_limit);
}

expected<rule_preview> rule_preview::for_removed_rule(const std::vector<rule>& current,
                                                      const std::string& rule_id,
                                                      size_t sample_limit) {
  auto next = current;
  auto removed = std::remove_if(next.begin(), next.end(),
                                [&](const rule& r) { return r.id == rule_id; });
  if (removed == next.end())
    return status::not_found("rule " + rules_impl::quoted(rule_id) + " does not exist");
  next.erase(removed, next.end());
  return make(current, std::move(next), sample_limit);
}

template <class Item>
void rule_preview::count(const Item& item, const item_context& ctx) {
  auto now = current_->evaluate(item, ctx);
  auto after = candidate_->evaluate(item, ctx);
  auto& c = per_user_[{item.tenant, item.user}];
  ++c.scanned;
  bool was = now.action == rule_action::exclude;
  bool will = after.action == rule_action::exclude;
  c.excluded_now += was;
  c.excluded_after += will;
  c.newly_excluded += !was && will;
  c.newly_included += was && !will;
  if (!was && will && samples_.size() < sample_limit_)
    samples_.push_back({item.tenant, item.user, item.graph_id, item.subject, after.to_verdict()});
}

void rule_preview::add(const email& item, const item_context& ctx) {
  count(item, ctx);
}

void rule_preview::add(const event& item, const item_context& ctx) {
  count(item, ctx);
}

bool rule_preview::newly_excludes(const email& item, const item_context& ctx) const {
  return current_->evaluate(item, ctx).action == rule_action::include
         && candidate_->evaluate(item, ctx).action == rule_action::exclude;
}

bool rule_preview::newly_excludes(const event& item, const item_context& ctx) const {
  return current_->evaluate(item, ctx).action == rule_action::include
         && candidate_->evaluate(item, ctx).action == rule_action::exclude;
}

preview_counts rule_preview::total() const {
  preview_counts sum;
  for (const auto& [key, c] : per_user_) {
    sum.scanned += c.scanned;
    sum.excluded_now += c.excluded_now;
    sum.excluded_after += c.excluded_after;
    sum.newly_excluded += c.newly_excluded;
    sum.newly_included += c.newly_included;
  }
  return sum;
}

} // namespace m365
