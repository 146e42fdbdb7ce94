// The scan behind `rules preview` / `rules purge`; see rule_purge_plan.hpp.
#include "apps/m365sync/rule_purge_plan.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "rules/compiled_rule_set.hpp"
#include "rules/memory_rule_catalog.hpp"
#include "rules/rule_json.hpp"
#include "rules/rule_validation.hpp"
#include "store/digest.hpp"

namespace m365::cli {

namespace {

std::string hex16(uint64_t x) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

std::string verdict_text(const verdict& v) {
  if (v.rule_id.empty()) return "included (no rule matched)";
  return std::string(v.action == rule_action::exclude ? "excluded" : "included") + " by " +
         v.rule_id + " v" + std::to_string(v.rule_version);
}

std::string level_text(const rule& r) {
  if (r.level == rule_level::org) return "org";
  return std::string(to_string(r.level)) + " " + r.scope;
}

} // namespace

expected<rule> read_candidate_rule(const lmdb_store& store, const std::string& path) {
  std::ifstream in{path};
  if (!in) return status::invalid_argument("cannot read the rule file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  auto candidate = rule_from_json(text.str());
  if (!candidate)
    return status::invalid_argument("rule file '" + path + "': " + candidate.error().message());
  memory_rule_catalog catalog;
  auto tenants = store.list_tenants();
  if (!tenants) return tenants.error();
  for (auto& t : *tenants) catalog.add_tenant(t.id);
  auto users = store.list_users({});
  if (!users) return users.error();
  for (auto& u : *users) catalog.add_user(u);
  if (auto s = validate_rule(*candidate, catalog); !s)
    return status::invalid_argument("rule file '" + path + "': " + s.message());
  return candidate;
}

expected<purge_plan> make_purge_plan(const lmdb_store& store, rule candidate,
                                     const tenant_id& tenant, size_t example_limit) {
  auto stored = store.list_rules();
  if (!stored) return stored.error();
  purge_plan plan;
  plan.stored_rules = stored->size();
  for (auto& r : *stored) {
    if (r.id != candidate.id) continue;
    // A changed rule gets a new version, so verdicts stored later tell the two apart.
    plan.replaces_stored = true;
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
    if (plan.examples.size() < example_limit)
      plan.examples.push_back({item.tenant, item.user, item.graph_id, is_event, item.subject,
                               (*current)->evaluate(item, ctx).to_verdict(), {}});
    return true;
  };
  if (auto s = store.scan_emails(tenant, [&](const email& e) {
        ++plan.scanned_emails;
        return visit(e, false);
      });
      !s)
    return s;
  if (auto s = store.scan_events(tenant, [&](const event& e) {
        ++plan.scanned_events;
        return visit(e, true);
      });
      !s)
    return s;
  // The preview's samples are the same first newly excluded items, in the same order.
  auto& samples = preview->samples();
  for (size_t i = 0; i < plan.examples.size() && i < samples.size(); ++i)
    plan.examples[i].after = samples[i].after;
  plan.per_user = preview->per_user();
  plan.total = preview->total();
  plan.candidate = std::move(candidate);

  digest64 d;
  d.add(boost::json::serialize(rule_to_json(plan.candidate)));
  d.add(tenant);
  for (auto& [key, counts] : plan.per_user) {
    d.add(key.first);
    d.add(key.second);
    d.add(counts.newly_excluded);
  }
  d.add(plan.newly_excluded.size());
  for (auto& ref : plan.newly_excluded) {
    d.add(ref.tenant);
    d.add(ref.user);
    d.add(ref.graph_id);
    d.add(ref.event ? 1 : 0);
  }
  plan.token = hex16(d.finish());
  return plan;
}

void print_preview(std::ostream& out, const purge_plan& plan) {
  auto& c = plan.candidate;
  out << "candidate rule " << c.id << " v" << c.version << " (" << level_text(c) << ", "
      << to_string(c.action) << ", " << to_string(c.applies_to) << ", priority " << c.priority
      << (c.enabled ? "" : ", disabled") << "): " << c.match << "\n";
  out << "stored rules: " << plan.stored_rules
      << (plan.replaces_stored ? " (the candidate replaces the stored rule " + c.id + ")" : "")
      << "\n";
  out << "scanned " << plan.scanned_emails + plan.scanned_events << " stored items ("
      << plan.scanned_emails << " emails, " << plan.scanned_events << " events)\n";
  out << "newly excluded: " << plan.total.newly_excluded
      << "  (excluded now " << plan.total.excluded_now << ", after "
      << plan.total.excluded_after << ", newly included " << plan.total.newly_included << ")\n";
  if (plan.total.newly_excluded > 0) {
    out << "per tenant and user (scanned / newly excluded):\n";
    for (auto& [key, counts] : plan.per_user) {
      if (counts.newly_excluded == 0) continue;
      out << "  " << key.first << " / " << key.second << ": " << counts.scanned << " / "
          << counts.newly_excluded << "\n";
    }
    out << "examples:\n";
    for (auto& e : plan.examples)
      out << "  " << e.tenant << "/" << e.user << " " << (e.event ? "event" : "email") << " \""
          << e.subject << "\": " << verdict_text(e.now) << " -> " << verdict_text(e.after)
          << "\n";
  }
  out << "preview token: " << plan.token << "\n";
}

std::string purge_audit_details(const purge_plan& plan) {
  boost::json::object details;
  details["rule"] = plan.candidate.id;
  details["version"] = plan.candidate.version;
  details["removed"] = plan.newly_excluded.size();
  details["token"] = plan.token;
  boost::json::array per_user;
  for (auto& [key, counts] : plan.per_user) {
    if (counts.newly_excluded == 0) continue;
    per_user.push_back(boost::json::object{
      {"tenant", key.first}, {"user", key.second}, {"removed", counts.newly_excluded}});
  }
  details["per_user"] = std::move(per_user);
  return boost::json::serialize(details);
}

} // namespace m365::cli
