// Ownership: immutable once compiled; every const member is safe from any number of threads at
// once (each thread uses its own thread_local scratch). Shared as
// shared_ptr<const compiled_rule_set>; a rule change makes a new set, never edits one.
//
// A whole rule set compiled for fast evaluation (design.md section 3):
// * Rules are split by item kind (applies_to) and by bucket: one per user, one per tenant, one
//   org bucket, each a hash-map lookup; an item only ever touches its own user's bucket, its own
//   tenant's bucket and the org bucket, so other users' rules cost it nothing.
// * Inside a bucket, rules are in precedence order: priority ascending, ties broken by rule id
//   (byte-wise ascending). Disabled rules are left out of the evaluation index.
// * Per item, the evaluator first computes the item's facts once (folded addresses and domains
//   found in the set's value dictionary, keyword hits from one Aho-Corasick pass over the subject
//   and one over the body preview, regex hits from one RE2::Set pass, category, importance, ...).
//   Each bucket maps a fact to the leaves it makes true (postings), so only rules with a true
//   leaf, plus the few rules that can match with no true leaf (e.g. under `not`), are evaluated.
// * The first matching rule decides; no match -> include with an empty rule id.
//
// How the engine uses it (actors/rule_evaluator and actors/delta_stream.hpp):
//   auto set = compiled_rule_set::compile(rules_from_store);  // the evaluator, at start and
//                                                             // on every rule change
//   // ... sent to every mailbox and calendar actor as a rule_set_snapshot; each keeps the
//   // last one it received and decides a whole page with it:
//   item_context ctx{&tenant.internal_domains};
//   filter_page(*set, page, ctx);                       // or set->decide_page(page.items, ctx)
//   // each kept item's decided_by = {action, rule id, rule version}
#pragma once

#include <memory>
#include <vector>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/expected.hpp"
#include "messages/rule.hpp"
#include "messages/verdict.hpp"
#include "rules/item_context.hpp"
#include "rules/rule_explanation.hpp"

namespace m365 {

/// The outcome of evaluate(): cheap to return (no string copies).
struct rule_decision {
  rule_action action = rule_action::include;
  /// The deciding rule (owned by the compiled set, valid while it lives); null = no rule
  /// matched, included by default.
  const rule* decided_by = nullptr;

  /// The verdict to store with the item: action, rule id and rule version.
  verdict to_verdict() const;
  /// Writes the verdict into `out`, reusing its string capacity.
  void write_to(verdict& out) const;
};

class compiled_rule_set {
public:
  /// Compiles `rules` (any order). Fails with invalid_argument, naming the rule, when a rule's
  /// shape or match tree is invalid (check_rule_shape) or two rules share an id. Scopes are not
  /// checked against tenants and users here: that is validate_rule_set()'s job at the API edge.
  static expected<std::shared_ptr<const compiled_rule_set>> compile(std::vector<rule> rules);

  /// A set with no rules: everything is included.
  static std::shared_ptr<const compiled_rule_set> empty_set();

  ~compiled_rule_set();
  compiled_rule_set(const compiled_rule_set&) = delete;
  compiled_rule_set& operator=(const compiled_rule_set&) = delete;

  /// The decision for one item. Does not allocate once the calling thread's scratch is warm
  /// (except inside RE2::Set when the set has regexes; see the report in bench/rules).
  rule_decision evaluate(const email& item, const item_context& ctx) const noexcept;
  rule_decision evaluate(const event& item, const item_context& ctx) const noexcept;

  /// Evaluates every item of a page and records the verdict (action, rule id, rule version) in
  /// its `decided_by`. `ctx` is the page's tenant context (a page belongs to one mailbox).
  void decide_page(std::vector<email>& items, const item_context& ctx) const noexcept;
  void decide_page(std::vector<event>& items, const item_context& ctx) const noexcept;

  /// The rules tried for this item, level by level, and the one that decided. Same decision as
  /// evaluate(); slower (allocates), meant for the API and the CLI.
  rule_explanation explain(const email& item, const item_context& ctx) const;
  rule_explanation explain(const event& item, const item_context& ctx) const;

  /// Every rule of the set (disabled ones too) in precedence order: level (user, tenant, org),
  /// scope, priority, id.
  const std::vector<rule>& rules() const noexcept;

private:
  struct impl;
  explicit compiled_rule_set(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace m365
