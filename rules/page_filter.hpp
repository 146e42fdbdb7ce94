// Ownership: free functions over the caller's page; no shared state beyond the compiled set's
// thread-safe evaluate(). The step between decoding a delta page and committing it
// (design.md section 2, "Flow of one page", step 4).
#pragma once

#include <cstddef>

#include "messages/pages.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/item_context.hpp"

namespace m365 {

struct page_filter_counts {
  size_t included = 0;
  size_t excluded = 0;
};

/// Evaluates every item of the page. Included items stay in `items` (order kept) with their
/// verdict (action, rule id, rule version) in `decided_by`; excluded items leave `items` and
/// their Graph ids are appended to `removed_ids`, so a copy stored before the rule existed is
/// removed in the same transaction (pages.hpp: "or now excluded").
page_filter_counts filter_page(const compiled_rule_set& rules, email_page& page,
                               const item_context& ctx);
page_filter_counts filter_page(const compiled_rule_set& rules, event_page& page,
                               const item_context& ctx);

} // namespace m365
