// Put and remove over a rule set; see rule_edit.hpp.
#include "rule_admin/rule_edit.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "rules/error_text.hpp"
#include "rules/rule_json.hpp"
#include "rules/rule_validation.hpp"

namespace m365 {

namespace {

std::string audit_details(const std::string& id, const rule* before, const rule* after) {
  boost::json::object details;
  details["rule"] = id;
  details["before"] = before != nullptr ? boost::json::value(rule_to_json(*before)) : nullptr;
  details["after"] = after != nullptr ? boost::json::value(rule_to_json(*after)) : nullptr;
  return boost::json::serialize(details);
}

} // namespace

bool same_rule_content(const rule& a, const rule& b) noexcept {
  return a.id == b.id && a.level == b.level && a.scope == b.scope && a.applies_to == b.applies_to
         && a.action == b.action && a.priority == b.priority && a.enabled == b.enabled
         && a.note == b.note && a.match == b.match;
}

expected<rule_edit> edit_put(const std::vector<rule>& current, rule candidate,
                             const rule_context_catalog& catalog, const std::string& actor,
                             timestamp_ms at) {
  rule_edit edit;
  if (auto st = validate_rule(candidate, catalog, &edit.warnings); !st) return st;
  edit.rules = current;
  auto stored = std::find_if(edit.rules.begin(), edit.rules.end(),
                             [&](const rule& r) { return r.id == candidate.id; });
  if (stored != edit.rules.end()) {
    if (same_rule_content(*stored, candidate)) {
      edit.subject = *stored;
      edit.unchanged = true;
      return edit;
    }
    candidate.version = std::max(candidate.version, stored->version + 1);
    edit.change.details = audit_details(candidate.id, &*stored, &candidate);
    *stored = candidate;
  } else {
    edit.change.details = audit_details(candidate.id, nullptr, &candidate);
    edit.rules.push_back(candidate);
  }
  edit.change.put = {candidate};
  edit.change.at = at;
  edit.change.actor = actor;
  edit.change.action = "rule.put";
  edit.subject = std::move(candidate);
  return edit;
}

expected<rule_edit> edit_remove(const std::vector<rule>& current, const std::string& rule_id,
                                const std::string& actor, timestamp_ms at) {
  rule_edit edit;
  edit.rules = current;
  auto stored = std::find_if(edit.rules.begin(), edit.rules.end(),
                             [&](const rule& r) { return r.id == rule_id; });
  if (stored == edit.rules.end())
    return status::not_found("rule " + rules_impl::quoted(rule_id) + " does not exist");
  edit.subject = *stored;
  edit.rules.erase(stored);
  edit.change.remove = {rule_id};
  edit.change.at = at;
  edit.change.actor = actor;
  edit.change.action = "rule.remove";
  edit.change.details = audit_details(rule_id, &edit.subject, nullptr);
  return edit;
}

} // namespace m365
