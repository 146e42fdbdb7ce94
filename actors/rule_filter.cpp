#include "actors/rule_filter.hpp"

#include "rules/page_filter.hpp"

namespace m365 {

namespace {

template <class Page>
uint64_t apply_rules(const rule_set_holder& holder, Page& page,
                     const std::vector<std::string>& internal_domains) {
  auto rules = holder.load();  // keeps this set alive for the whole page
  item_context ctx;
  ctx.internal_domains = &internal_domains;
  return filter_page(*rules, page, ctx).excluded;
}

} // namespace

uint64_t rule_filter::apply(email_page& page, const std::vector<std::string>& internal_domains) {
  return apply_rules(*rules_, page, internal_domains);
}

uint64_t rule_filter::apply(event_page& page, const std::vector<std::string>& internal_domains) {
  return apply_rules(*rules_, page, internal_domains);
}

} // namespace m365
