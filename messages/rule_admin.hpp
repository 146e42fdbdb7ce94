// Ownership: value types. The vocabulary of rule administration (design.md section 3 and the
// rules routes of section 6): a change of the stored rule set as the store writes it, and what
// preview and purge answer. Built by rule_admin/, answered by the rule evaluator actor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/rule.hpp"
#include "messages/verdict.hpp"

namespace m365 {

/// One stored source of an activity, as the admin purge names it.
struct activity_ref {
  tenant_id tenant;
  user_id user;
  std::string graph_id;
  bool event = false;  ///< false: an email
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, activity_ref& x) {
  return f(x.tenant, x.user, x.graph_id, x.event);
}

/// A change of the stored rule set, written in ONE transaction (lmdb_store::change_rules):
/// the purged items removed, the rules put (added, or replacing the rule with their id), the
/// removed ids deleted, and one audit record.
struct rule_change {
  std::vector<activity_ref> purge;
  std::vector<rule> put;
  std::vector<std::string> remove;  ///< each must be stored, or nothing is written
  timestamp_ms at = 0;              ///< time of the audit record
  std::string actor;                ///< who: "cli", "config:<file>", an API key id
  std::string action;               ///< "rule.put", "rule.remove", "purge"
  std::string details;              ///< JSON text: what changed (never a secret)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_change& x) {
  return f(x.purge, x.put, x.remove, x.at, x.actor,
           x.action, x.details);
}

/// A preview's counts for one tenant and user (or summed: both ids empty).
struct rule_preview_counts {
  tenant_id tenant;
  user_id user;
  uint64_t scanned = 0;
  uint64_t excluded_now = 0;    ///< excluded by the stored set
  uint64_t excluded_after = 0;  ///< excluded by the stored set with the candidate put in
  uint64_t newly_excluded = 0;  ///< included now, excluded after: what a purge removes
  uint64_t newly_included = 0;  ///< excluded now, included after
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_preview_counts& x) {
  return f(x.tenant, x.user, x.scanned,
           x.excluded_now, x.excluded_after, x.newly_excluded, x.newly_included);
}

/// A newly excluded item shown as an example: its subject and the verdict now and after.
struct rule_preview_example {
  tenant_id tenant;
  user_id user;
  std::string graph_id;
  bool event = false;
  std::string subject;
  verdict now;
  verdict after;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_preview_example& x) {
  return f(x.tenant, x.user, x.graph_id, x.event,
           x.subject, x.now, x.after);
}

/// What a preview of a candidate rule over the stored items found.
struct rule_preview_report {
  rule candidate;               ///< as given; version bumped past a stored rule of its id
  bool replaces_stored = false;
  uint64_t stored_rules = 0;
  uint64_t scanned_emails = 0;
  uint64_t scanned_events = 0;
  std::string tenant;           ///< the items scanned: this tenant's; every tenant when empty
  rule_preview_counts total;
  std::vector<rule_preview_counts> per_user;  ///< ordered by tenant, then user
  std::vector<rule_preview_example> examples;
  /// Binds a purge to exactly this preview: a digest of the candidate, the tenant filter, the
  /// counts and the newly excluded items (any change of rule, filter or stored data changes it).
  std::string token;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_preview_report& x) {
  return f(x.candidate, x.replaces_stored,
           x.stored_rules, x.scanned_emails, x.scanned_events, x.tenant, x.total, x.per_user,
           x.examples, x.token);
}

/// What a purge did: the items removed and the rule stored, in one transaction.
struct rule_purge_report {
  rule stored;
  uint64_t removed = 0;
  std::vector<rule_preview_counts> per_user;  ///< only users with removed items
  std::string token;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_purge_report& x) {
  return f(x.stored, x.removed, x.per_user, x.token);
}

} // namespace m365

namespace m365 {

/// A preview's report plus every item it would purge: what the rule evaluator's scan worker
/// answers (rule_admin/rule_purge_plan.hpp builds it).
struct purge_plan {
  /// Counts, examples, token; the candidate with its version bumped past the stored rule of
  /// its id.
  rule_preview_report report;
  /// Every item the candidate newly excludes, in scan order (emails, then events).
  std::vector<activity_ref> newly_excluded;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, purge_plan& x) {
  return f(x.report, x.newly_excluded);
}

/// What a put answers: the rule as stored (its version set), whether anything was written,
/// and validation's non-fatal findings.
struct rule_put_result {
  rule stored;
  bool changed = false;               ///< false: the same rule was already stored
  uint64_t generation = 0;            ///< of the published set that holds it
  std::vector<std::string> warnings;  ///< e.g. a leaf that is false on one of the kinds
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_put_result& x) {
  return f(x.stored, x.changed, x.generation,
           x.warnings);
}

/// Where the rule evaluator stands.
struct rule_evaluator_status {
  uint64_t generation = 0;   ///< of the current set
  uint64_t rules = 0;        ///< rules in it (disabled ones too)
  uint64_t subscribers = 0;  ///< live mailbox and calendar actors it sends changes to
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule_evaluator_status& x) {
  return f(x.generation, x.rules, x.subscribers);
}

} // namespace m365
