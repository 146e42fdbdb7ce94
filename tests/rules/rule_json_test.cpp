// The JSON form of a rule (config files and API bodies): decoding, errors, PATCH, round trip.
#include "rule_test_items.hpp"

#include <boost/json.hpp>

#include "rules/rule_json.hpp"

using namespace m365;

TEST_CASE("the design's example rules decode into rule records", "[rules][json]") {
  auto r = rule_from_json(R"({"id": "keep-client-news", "level": "user", "scope": "u-1001",
     "applies_to": "email", "action": "include",  // comments are fine, as in config files
     "match": {"all": [{"subject_contains": "Newsletter"}, {"sender_address": ["desk@client.example"]}]}})");
  REQUIRE(r.has_value());
  CHECK(r->id == "keep-client-news");
  CHECK(r->level == rule_level::user);
  CHECK(r->scope == "u-1001");
  CHECK(r->applies_to == rule_target::email);
  CHECK(r->action == rule_action::include);
  CHECK(r->priority == 100);
  CHECK(r->enabled);
  CHECK(r->version == 1);
  CHECK(r->match
        == R"({"all":[{"subject_contains":"Newsletter"},{"sender_address":["desk@client.example"]}]})");
  auto org = rule_from_json(R"({"id": "no-newsletters", "level": "org", "applies_to": "email",
     "action": "exclude", "priority": 10, "match": {"any": [{"subject_contains": "Newsletter"},
     {"sender_domain": ["news.example.com"]}]}})");
  REQUIRE(org.has_value());
  CHECK(org->priority == 10);
  CHECK(org->scope.empty());
}

TEST_CASE("rule JSON errors name the field", "[rules][json]") {
  auto error = [](const char* text) {
    auto r = rule_from_json(text);
    REQUIRE_FALSE(r.has_value());
    return r.error().message();
  };
  CHECK(error(R"({"level": "org", "action": "exclude", "match": {"folder": "x"}})")
        == "id: is required");
  CHECK(error(R"({"id": "a", "level": "global", "action": "exclude", "match": {"folder": "x"}})")
        == "level: must be one of org, tenant, user (got 'global')");
  CHECK(error(R"({"id": "a", "level": "org", "action": "drop", "match": {"folder": "x"}})")
        == "action: must be one of exclude, include (got 'drop')");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "priority": "high",
                  "match": {"folder": "x"}})")
        == "priority: must be an integer between -2147483648 and 2147483647 (got a string)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "priority": 1e3,
                  "match": {"folder": "x"}})")
        == "priority: must be an integer between -2147483648 and 2147483647 (got 1000)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "priority": 3000000000,
                  "match": {"folder": "x"}})")
        == "priority: must be an integer between -2147483648 and 2147483647 (got 3000000000)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "enabled": "yes",
                  "match": {"folder": "x"}})")
        == "enabled: must be true or false (got a string)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "version": 0,
                  "match": {"folder": "x"}})")
        == "version: must be an integer between 1 and 4294967295 (got 0)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "colour": "red",
                  "match": {"folder": "x"}})")
        == "colour: unknown key (valid keys: id, level, scope, applies_to, action, priority, "
           "enabled, note, version, match)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude", "match": "folder=x"})")
        == "match: must be a predicate object (got a string)");
  CHECK(error(R"({"id": "a", "level": "org", "action": "exclude",
                  "match": {"any": [{"subject_regex": "(x"}]}})")
        == "match.any[0].subject_regex: invalid regex: missing ): (x");
  CHECK(error(R"({"id": "a", "level": "tenant", "action": "exclude", "match": {"folder": "x"}})")
        == "scope: is required for a tenant rule (the tenant id it applies to)");
  CHECK(error(R"({"id": "a b", "level": "org", "action": "exclude", "match": {"folder": "x"}})")
        == "id: 'a b' must be 1..128 characters of letters, digits, '_', '.', '-'");
  CHECK(error(R"([1, 2])") == "rule: must be a JSON object");
}

TEST_CASE("every problem of a rule object is reported, each at its path", "[rules][json]") {
  std::vector<rule_problem> problems;
  auto object = boost::json::parse(R"({"id": "", "level": "user", "scope": 7,
      "applies_to": "mail", "priority": 1.5, "note": false, "extra": 1,
      "match": {"all": [{"folder": "inbox"}, {"subject_regex": "(x"}]}})").as_object();
  auto r = decode_rule(object, nullptr, problems);
  std::vector<std::string> lines;
  for (auto& p : problems)
    lines.push_back(to_string(p));
  CHECK(lines == std::vector<std::string>{
                   "action: is required",
                   "scope: must be a string (got an integer)",
                   "applies_to: must be one of email, event, both (got 'mail')",
                   "priority: must be an integer between -2147483648 and 2147483647 (got 1.5)",
                   "note: must be a string (got a boolean)",
                   "extra: unknown key (valid keys: id, level, scope, applies_to, action, "
                   "priority, enabled, note, version, match)",
                   "id: must not be empty",
                   "match.all[1].subject_regex: invalid regex: missing ): (x"});
  CHECK(r.level == rule_level::user);  // what decoded is kept, for the caller's cross checks
}

TEST_CASE("what rule_to_json writes decodes to the same rule, null and \"\" clear scope and note",
          "[rules][json]") {
  auto org = rule_from_json(R"({"id": "a", "level": "org", "scope": "", "note": null,
                                "action": "exclude", "match": {"folder": "x"}})");
  REQUIRE(org.has_value());
  CHECK(org->scope.empty());
  auto nulls = rule_from_json(R"({"id": "a", "level": "org", "scope": null, "priority": null,
                                  "action": "exclude", "match": {"folder": "x"}})");
  REQUIRE(nulls.has_value());
  CHECK(nulls->priority == 100);
  auto back = rule_from_json(boost::json::serialize(rule_to_json(*org)));
  REQUIRE(back.has_value());
  CHECK(back->scope.empty());
  CHECK(back->match == org->match);
}

TEST_CASE("a PATCH keeps the fields it does not name", "[rules][json]") {
  auto base = rule_from_json(R"({"id": "no-private", "level": "tenant", "scope": "fabrikam",
     "applies_to": "event", "action": "exclude", "note": "legal asked",
     "match": {"sensitivity": ["private", "confidential"]}})");
  REQUIRE(base.has_value());
  auto patched = rule_from_json(R"({"enabled": false, "priority": 5})", &*base);
  REQUIRE(patched.has_value());
  CHECK_FALSE(patched->enabled);
  CHECK(patched->priority == 5);
  CHECK(patched->scope == "fabrikam");
  CHECK(patched->note == "legal asked");
  CHECK(patched->match == base->match);
  auto bad = rule_from_json(R"({"level": "org"})", &*base);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message() == "scope: org rules have no scope (got 'fabrikam')");
}

TEST_CASE("a rule survives a round trip through JSON", "[rules][json]") {
  auto r = test::make_rule("keep", rule_level::user, "contoso/u-1", rule_action::include,
                           R"({"any":[{"category":["vip"]},{"internal_only":true}]})", -4,
                           rule_target::event);
  r.enabled = false;
  r.note = "ticket 42";
  r.version = 9;
  auto text = boost::json::serialize(rule_to_json(r));
  auto back = rule_from_json(text);
  REQUIRE(back.has_value());
  CHECK(back->id == r.id);
  CHECK(back->level == r.level);
  CHECK(back->scope == r.scope);
  CHECK(back->applies_to == r.applies_to);
  CHECK(back->action == r.action);
  CHECK(back->priority == r.priority);
  CHECK(back->enabled == r.enabled);
  CHECK(back->note == r.note);
  CHECK(back->version == r.version);
  CHECK(back->match == r.match);
}
