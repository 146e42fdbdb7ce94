// Ownership: value types and free functions; a plan is built on one thread and owned by its
// caller. The store is only read (safe from any thread); the long part is one scan of every
// stored email and event, so callers keep it off threads that must stay responsive (the rule
// evaluator runs it in a detached worker).
//
// The shared core of preview and purge (design.md section 3; `m365sync rules preview|purge`,
// the rule evaluator's preview and purge, `POST /api/v1/rules:preview|:purge`): the stored
// rules, a candidate rule, one scan of the stored items, the items the candidate would newly
// exclude, and the preview token that binds a purge to exactly what the operator saw. A purge
// recomputes the plan, compares tokens and writes purge_change(): the items removed, the rule
// stored and the audit record in ONE store transaction.
#pragma once

#include <string>
#include <vector>

#include "messages/expected.hpp"
#include "messages/rule.hpp"
#include "messages/rule_admin.hpp"

namespace m365 {

class lmdb_store;

// purge_plan (the report plus every item to purge) is in messages/rule_admin.hpp.

/// validate_rule() of the candidate against the store's tenants and users
/// (store_rule_catalog): invalid_argument naming the field when it is not valid.
status validate_candidate_rule(const lmdb_store& store, const rule& candidate,
                               std::vector<std::string>* warnings = nullptr);

/// Scans the stored items of `tenant` (every tenant when empty) and builds the plan; keeps
/// `example_limit` examples. The candidate is not validated here (validate_candidate_rule).
expected<purge_plan> make_purge_plan(const lmdb_store& store, rule candidate,
                                     const tenant_id& tenant, size_t example_limit = 5);

/// The audit details of a purge: rule id, version, token and counts per tenant and user (JSON).
std::string purge_audit_details(const purge_plan& plan);

/// The one-transaction change a purge writes: the newly excluded items, the candidate stored,
/// and the audit record (action "purge").
rule_change purge_change(const purge_plan& plan, const std::string& actor, timestamp_ms at);

/// What a purge answers once purge_change() is committed.
rule_purge_report purge_report(const purge_plan& plan);

} // namespace m365
