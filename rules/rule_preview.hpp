// Ownership: owns two compiled sets (shared) and its counters; not synchronised (one scan feeds
// one preview). The building block of `POST /api/v1/rules:preview` and of the purge.
//
// A preview compares the current rule set with a candidate set (the current rules with one rule
// added, changed or removed) over already stored items, and counts per tenant and user how many
// items the candidate would newly exclude (and newly include). The store scan that feeds it is
// wired by the caller: for each stored item, call add(item, ctx) with the item's tenant context.
//
// Purge: purging stored items that a new rule excludes (design.md section 3) is the same scan
// with newly_excludes(item) as the filter; rule_admin/rule_purge_plan recomputes the preview,
// checks the operator's preview token, and removes exactly those items with
// lmdb_store::change_rules, which stores the rule and the audit record in the same transaction.
// Nothing is deleted here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/expected.hpp"
#include "messages/rule.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/item_context.hpp"

namespace m365 {

/// Counts for one tenant + user.
struct preview_counts {
  uint64_t scanned = 0;
  uint64_t excluded_now = 0;    ///< excluded by the current set
  uint64_t excluded_after = 0;  ///< excluded by the candidate set
  uint64_t newly_excluded = 0;  ///< included now, excluded by the candidate
  uint64_t newly_included = 0;  ///< excluded now, included by the candidate
};

/// One newly excluded item, for showing examples next to the counts.
struct preview_sample {
  tenant_id tenant;
  user_id user;
  std::string graph_id;
  std::string subject;
  verdict after;  ///< the candidate's verdict (which rule would exclude it)
};

class rule_preview {
public:
  rule_preview(std::shared_ptr<const compiled_rule_set> current,
               std::shared_ptr<const compiled_rule_set> candidate, size_t sample_limit = 20);

  /// Compiles `current` and `current` with `candidate` put in (replacing the rule with the same
  /// id); fails when either does not compile.
  static expected<rule_preview> for_candidate_rule(const std::vector<rule>& current,
                                                   const rule& candidate,
                                                   size_t sample_limit = 20);
  /// Same, for removing the rule `rule_id` (its items may come back: newly_included).
  static expected<rule_preview> for_removed_rule(const std::vector<rule>& current,
                                                 const std::string& rule_id,
                                                 size_t sample_limit = 20);

  /// Counts one stored item.
  void add(const email& item, const item_context& ctx);
  void add(const event& item, const item_context& ctx);

  /// True when the current set includes the item and the candidate set excludes it.
  bool newly_excludes(const email& item, const item_context& ctx) const;
  bool newly_excludes(const event& item, const item_context& ctx) const;

  /// Counts per (tenant, user), ordered.
  const std::map<std::pair<tenant_id, user_id>, preview_counts>& per_user() const noexcept {
    return per_user_;
  }
  /// Counts summed over every tenant and user.
  preview_counts total() const;
  /// Up to sample_limit newly excluded items, in scan order.
  const std::vector<preview_sample>& samples() const noexcept { return samples_; }

private:
  template <class Item>
  void count(const Item& item, const item_context& ctx);

  std::shared_ptr<const compiled_rule_set> current_;
  std::shared_ptr<const compiled_rule_set> candidate_;
  size_t sample_limit_;
  std::map<std::pair<tenant_id, user_id>, preview_counts> per_user_;
  std::vector<preview_sample> samples_;
};

} // namespace m365
