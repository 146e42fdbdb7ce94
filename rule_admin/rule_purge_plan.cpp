// The scan behind preview and purge; see rule_purge_plan.hpp.
#include "rule_admin/rule_purge_plan.hpp"

#include <cstdio>
#include <map>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "rule_admin/store_rule_catalog.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/rule_json.hpp"
#include "rules/rule_preview.hpp"
#include "rules/rule_validation.hpp"
#include "store/digest.hpp"
#include "store/lmdb_store.hpp"

namespace m365 {

namespace {

std::string hex16(uint64_t x) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

rule_preview_counts counts_of(const tenant_id& tenant, const user_id& user,
                              const preview_counts& c) {
  return {tenant, user, c.scanned, c.excluded_now, c.excluded_after, c.newly_excluded,
          c.newly_included};
}

} // namespace

status validate_candidate_rule(const lmdb_store& store, const rule& candidate,
                               std::vector<std::string>* warnings) {
  auto catalog = store_rule_catalog(store);
  if (!catalog) return catalog.error();
  return validate_rule(candidate, *catalog, warnings);
}

expected<purge_plan> make_purge_plan(const lmdb_store& store, rule candidate,
                                     const tenant_id& tenant, size_t example_limit) {
  auto stored = store.list_rules();
  if (!stored) return stored.error();
  purge_plan plan;
  auto& report = plan.report;
  report.stored_rules = stored->size();
  report.tenant = tenant;
  for (auto& r : *stored) {
    if (r.id != candidate.id) continue;
    // A changed rule gets a new version, so verdicts stored later tell the two apart.
    report.replaces_stored = true;
    if (candidate.version <= r.version) candidate.version = r.version + 1;
  }
  auto preview = rule_preview::for_candidate_rule(*stored, candidate, example_limit);
  if (!preview) return preview.error();
  auto current = compiled_rule_set::compile(*stored);
  if (!current) return current.error();
  auto tenants = store.list_tenants();
  if (!tenants) return tenants.error();
  std::map<tenant_id, std::vector<std::string>> internal_domains;
  for (auto& t : *tenants) internal_domains[t.id] = t.internal_domains;
  // Items of a tenant without settings (removed since) have no internal domains.
  auto context_of = [&](const tenant_id& t) {
    item_context ctx;
    auto it = internal_domains.find(t);
    if (it != internal_domains.end()) ctx.internal_domains = &it->second;
    return ctx;
  };
  auto visit = [&](const auto& item, bool is_event) {
    auto ctx = context_of(item.tenant);
    preview->add(item, ctx);
    if (!preview->newly_excludes(item, ctx)) return true;
    plan.newly_excluded.push_back({item.tenant, item.user, item.graph_id, is_event});
    if (report.examples.size() < example_limit)
      report.examples.push_back({item.tenant, item.user, item.graph_id, is_event, item.subject,
                                 (*current)->evaluate(item, ctx).to_verdict(), {}});
    return true;
  };
  if (auto s = store.scan_emails(tenant, [&](const email& e) {
        ++report.scanned_emails;
        return visit(e, false);
      });
      !s)
    return s;
  if (auto s = store.scan_events(tenant, [&](const event& e) {
        ++report.scanned_events;
        return visit(e, true);
      });
      !s)
    return s;
  // The preview's samples are the same first newly excluded items, in the same order.
  auto& samples = preview->samples();
  for (size_t i = 0; i < report.examples.size() && i < samples.size(); ++i)
    report.examples[i].after = samples[i].after;
  for (auto& [key, counts] : preview->per_user())
    report.per_user.push_back(counts_of(key.first, key.second, counts));
  report.total = counts_of({}, {}, preview->total());
  report.candidate = std::move(candidate);

  digest64 d;
  d.add(boost::json::serialize(rule_to_json(report.candidate)));
  d.add(tenant);
  for (auto& counts : report.per_user) {
    d.add(counts.tenant);
    d.add(counts.user);
    d.add(counts.newly_excluded);
  }
  d.add(plan.newly_excluded.size());
  for (auto& ref : plan.newly_excluded) {
    d.add(ref.tenant);
    d.add(ref.user);
    d.add(ref.graph_id);
    d.add(ref.event ? 1 : 0);
  }
  report.token = hex16(d.finish());
  return plan;
}

std::string purge_audit_details(const purge_plan& plan) {
  boost::json::object details;
  details["rule"] = plan.report.candidate.id;
  details["version"] = plan.report.candidate.version;
  details["removed"] = plan.newly_excluded.size();
  details["token"] = plan.report.token;
  boost::json::array per_user;
  for (auto& counts : plan.report.per_user) {
    if (counts.newly_excluded == 0) continue;
    per_user.push_back(boost::json::object{
      {"tenant", counts.tenant}, {"user", counts.user}, {"removed", counts.newly_excluded}});
  }
  details["per_user"] = std::move(per_user);
  return boost::json::serialize(details);
}

rule_change purge_change(const purge_plan& plan, const std::string& actor, timestamp_ms at) {
  rule_change change;
  change.purge = plan.newly_excluded;
  change.put = {plan.report.candidate};
  change.at = at;
  change.actor = actor;
  change.action = "purge";
  change.details = purge_audit_details(plan);
  return change;
}

rule_purge_report purge_report(const purge_plan& plan) {
  rule_purge_report out;
  out.stored = plan.report.candidate;
  out.removed = plan.newly_excluded.size();
  out.token = plan.report.token;
  for (auto& counts : plan.report.per_user)
    if (counts.newly_excluded > 0) out.per_user.push_back(counts);
  return out;
}

} // namespace m365
