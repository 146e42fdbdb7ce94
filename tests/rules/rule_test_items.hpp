// Ownership: test support, header-only; no threads. Builders for rules, emails and events, and
// a helper that evaluates with both evaluators and insists they agree.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/rule.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/reference_evaluator.hpp"

namespace m365::test {

inline rule make_rule(std::string id, rule_level level, std::string scope, rule_action action,
                      std::string match, int32_t priority = 100,
                      rule_target applies_to = rule_target::both) {
  rule r;
  r.id = std::move(id);
  r.level = level;
  r.scope = std::move(scope);
  r.action = action;
  r.match = std::move(match);
  r.priority = priority;
  r.applies_to = applies_to;
  return r;
}

inline participant who(std::string address) {
  return participant{"", std::move(address)};
}

inline email make_email(std::string tenant, std::string user, std::string from,
                        std::vector<std::string> to, std::string subject) {
  email m;
  m.tenant = std::move(tenant);
  m.user = std::move(user);
  m.graph_id = "AAMk-" + m.user + "-1";
  m.folder = "inbox";
  m.from = who(std::move(from));
  for (auto& a : to)
    m.to.push_back(who(std::move(a)));
  m.subject = std::move(subject);
  m.importance = "normal";
  return m;
}

inline event make_event(std::string tenant, std::string user, std::string organizer,
                        std::vector<std::string> attendees, std::string subject) {
  event e;
  e.tenant = std::move(tenant);
  e.user = std::move(user);
  e.graph_id = "AAMkEv-" + e.user + "-1";
  e.organizer = who(std::move(organizer));
  for (auto& a : attendees)
    e.attendees.push_back(attendee{who(std::move(a)), "required", "none"});
  e.subject = std::move(subject);
  e.importance = "normal";
  e.sensitivity = "normal";
  e.show_as = "busy";
  return e;
}

/// The verdict of both evaluators; fails the test when they disagree.
template <class Item>
verdict decide_both(const std::vector<rule>& rules, const Item& item,
                    const item_context& ctx = {}) {
  auto compiled = compiled_rule_set::compile(rules);
  REQUIRE(compiled.has_value());
  auto fast = (*compiled)->evaluate(item, ctx).to_verdict();
  auto slow = reference_evaluator(rules).evaluate(item, ctx);
  INFO("compiled: " << fast.rule_id << " / reference: " << slow.rule_id);
  REQUIRE(fast == slow);
  return fast;
}

/// True when a single org-wide exclude rule with this match excludes the item (both evaluators).
template <class Item>
bool excluded_by(const std::string& match, const Item& item, const item_context& ctx = {}) {
  std::vector<rule> rules{make_rule("probe", rule_level::org, "", rule_action::exclude, match)};
  return decide_both(rules, item, ctx).action == rule_action::exclude;
}

} // namespace m365::test
