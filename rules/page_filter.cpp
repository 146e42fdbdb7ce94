// Splitting a decoded page into included items and removals.
#include "rules/page_filter.hpp"

namespace m365 {

namespace {

template <class Page>
page_filter_counts filter(const compiled_rule_set& rules, Page& page, const item_context& ctx) {
  page_filter_counts counts;
  size_t kept = 0;
  for (size_t i = 0; i < page.items.size(); ++i) {
    auto& item = page.items[i];
    auto decision = rules.evaluate(item, ctx);
    if (decision.action == rule_action::exclude) {
      page.removed_ids.push_back(std::move(item.graph_id));
      ++counts.excluded;
      continue;
    }
    decision.write_to(item.decided_by);
    if (kept != i)
      page.items[kept] = std::move(item);
    ++kept;
    ++counts.included;
  }
  page.items.resize(kept);
  return counts;
}

} // namespace

page_filter_counts filter_page(const compiled_rule_set& rules, email_page& page,
                               const item_context& ctx) {
  return filter(rules, page, ctx);
}

page_filter_counts filter_page(const compiled_rule_set& rules, event_page& page,
                               const item_context& ctx) {
  return filter(rules, page, ctx);
}

} // namespace m365
