// Ownership: value types and free functions; one thread (the CLI's main thread).
// The shared core of `m365sync rules preview` and `rules purge`: the stored rules, a candidate
// rule, one scan of the stored emails and events, the items the candidate would newly exclude,
// and the preview token that binds a purge to exactly what the operator saw.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "messages/expected.hpp"
#include "messages/rule.hpp"
#include "rules/rule_preview.hpp"
#include "store/lmdb_store.hpp"

namespace m365::cli {

/// A newly excluded item shown as an example: its subject and the verdict now and after.
struct purge_example {
  tenant_id tenant;
  user_id user;
  std::string graph_id;
  bool event = false;
  std::string subject;
  verdict now;
  verdict after;
};

struct purge_plan {
  rule candidate;              ///< as read from the file; version bumped past a stored rule's
  bool replaces_stored = false;
  size_t stored_rules = 0;
  /// The preview's counts per (tenant, user) and summed.
  std::map<std::pair<tenant_id, user_id>, preview_counts> per_user;
  preview_counts total;
  /// Every item the candidate newly excludes, in scan order (emails, then events).
  std::vector<activity_ref> newly_excluded;
  std::vector<purge_example> examples;
  uint64_t scanned_emails = 0;
  uint64_t scanned_events = 0;
  /// Hex digest of the candidate's JSON, the tenant filter, the counts and the newly excluded
  /// items: any change of rule, filter or stored data between preview and purge changes it.
  std::string token;
};

/// Reads and checks the candidate rule (rule_from_json, then validate_rule against the store's
/// tenants and users); invalid_argument naming the file and the field when it is not valid.
expected<rule> read_candidate_rule(const lmdb_store& store, const std::string& path);

/// Scans the stored items of `tenant` (every tenant when empty) and builds the plan.
/// `example_limit` examples are kept.
expected<purge_plan> make_purge_plan(const lmdb_store& store, rule candidate,
                                     const tenant_id& tenant, size_t example_limit = 5);

/// The preview as the CLI prints it: the candidate, counts per tenant and user, examples.
void print_preview(std::ostream& out, const purge_plan& plan);

/// The audit details of a purge: rule id, version, and counts per tenant and user (JSON).
std::string purge_audit_details(const purge_plan& plan);

} // namespace m365::cli
