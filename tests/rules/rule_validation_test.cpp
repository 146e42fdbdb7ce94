// Validation of match trees and rule envelopes: each error names the path or field and says
// what is wrong.
#include "rule_test_items.hpp"

#include "rules/memory_rule_catalog.hpp"
#include "rules/predicate.hpp"
#include "rules/rule_validation.hpp"

using namespace m365;
using namespace m365::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string parse_error(const std::string& match) {
  auto tree = parse_predicate(match);
  REQUIRE_FALSE(tree.has_value());
  CHECK(tree.error().code() == status_code::invalid_argument);
  return tree.error().message();
}

memory_rule_catalog deployment() {
  memory_rule_catalog c;
  c.add_tenant("contoso");
  c.add_tenant("fabrikam");
  c.add_user({"u-1001", "contoso", "adele@contoso.com", "", 1});
  c.add_user({"u-2001", "fabrikam", "bob@fabrikam.com", "", 1});
  c.add_user({"u-3001", "contoso", "carl@contoso.com", "fabrikam", 1});  // moving away
  return c;
}

std::string rule_error(const rule& r) {
  auto st = validate_rule(r, deployment());
  REQUIRE_FALSE(st.is_ok());
  return st.message();
}

} // namespace

TEST_CASE("a bad regex is reported with its path and RE2's reason", "[rules][validation]") {
  CHECK(parse_error(R"({"any": [{"subject_contains": "x"}, {"subject_regex": "(abc"}]})")
        == "match.any[1].subject_regex: invalid regex: missing ): (abc");
  CHECK_THAT(parse_error(R"({"subject_regex": ["ok", "a**"]})"),
             StartsWith("match.subject_regex[1]: invalid regex: bad repetition operator"));
}

TEST_CASE("an unknown predicate key is named and the valid keys are listed",
          "[rules][validation]") {
  auto msg = parse_error(R"({"all": [{"not": {"sender_adress": ["a@b.c"]}}]})");
  CHECK_THAT(msg, StartsWith("match.all[0].not.sender_adress: unknown predicate key "
                             "'sender_adress' (valid keys: all, any, not, sender_address, "));
  CHECK_THAT(msg, Contains("show_as)"));
}

TEST_CASE("values of the wrong type are rejected with their path", "[rules][validation]") {
  CHECK(parse_error(R"({"internal_only": "yes"})") == "match.internal_only: must be true or false");
  CHECK(parse_error(R"({"sender_domain": 42})")
        == "match.sender_domain: must be a string or a list of strings");
  CHECK(parse_error(R"({"category": ["a", 1]})") == "match.category[1]: must be a string");
  CHECK(parse_error(R"({"any": {"folder": "inbox"}})")
        == "match.any: must be a list of predicate objects");
  CHECK(parse_error(R"({"all": ["folder"]})") == "match.all[0]: must be a predicate object");
  CHECK(parse_error(R"({"not": [{"folder": "inbox"}]})") == "match.not: must be a predicate object");
  CHECK(parse_error(R"(["folder"])") == "match: must be a predicate object");
  CHECK_THAT(parse_error(R"({"folder": )"), StartsWith("match: invalid JSON: "));
}

TEST_CASE("empty and malformed values are rejected", "[rules][validation]") {
  CHECK(parse_error(R"({})") == "match: empty predicate (write {\"all\": []} to match every item)");
  CHECK(parse_error(R"({"any": []})") == "match.any: must not be empty (an empty any never matches)");
  CHECK(parse_error(R"({"folder": []})") == "match.folder: must not be an empty list");
  CHECK(parse_error(R"({"subject_contains": ""})") == "match.subject_contains: must not be empty");
  CHECK(parse_error(R"({"sender_address": ["news.example.com"]})")
        == "match.sender_address[0]: 'news.example.com' is not an e-mail address");
  CHECK(parse_error(R"({"recipient_domain": "a@b.example"})")
        == "match.recipient_domain: 'a@b.example' is not a domain (use recipient_address for "
           "addresses)");
  CHECK(parse_error(R"({"sensitivity": ["private", "secret"]})")
        == "match.sensitivity[1]: 'secret' is not one of normal, personal, private, confidential");
  CHECK(parse_error(R"({"importance": "urgent"})")
        == "match.importance: 'urgent' is not one of low, normal, high");
  std::string deep = R"({"folder": "inbox"})";
  for (int i = 0; i < max_predicate_depth; ++i)
    deep = R"({"not": )" + deep + "}";
  CHECK_THAT(parse_error(deep), Contains("nesting deeper than 32 levels"));
}

TEST_CASE("a valid tree keeps its structure and folds its values", "[rules][validation]") {
  auto tree = parse_predicate(
    R"({"any": [{"subject_contains": "NewsLetter"}, {"sender_domain": ["News.Example.com"]}],
        "subject_regex": "(?i)Re:", "internal_only": false})");
  REQUIRE(tree.has_value());
  REQUIRE(tree->op == predicate_op::all);
  REQUIRE(tree->children.size() == 3);
  const auto& any = tree->children[0];
  CHECK(any.op == predicate_op::any);
  CHECK(any.children[0].values == std::vector<std::string>{"newsletter"});
  CHECK(any.children[1].path == "match.any[1].sender_domain");
  CHECK(any.children[1].values == std::vector<std::string>{"news.example.com"});
  CHECK(tree->children[1].values == std::vector<std::string>{"(?i)Re:"});
  CHECK(tree->children[2].field == predicate_field::internal_only);
  CHECK_FALSE(tree->children[2].flag);
}

TEST_CASE("the rule envelope is checked: id, scope per level", "[rules][validation]") {
  auto ok = make_rule("no-newsletters", rule_level::org, "", rule_action::exclude,
                      R"({"subject_contains": "Newsletter"})");
  CHECK(validate_rule(ok, deployment()).is_ok());
  auto r = ok;
  r.id = "";
  CHECK(rule_error(r) == "id: must not be empty");
  r.id = "no newsletters";
  CHECK_THAT(rule_error(r), StartsWith("id: 'no newsletters' must be 1..128 characters"));
  r = ok;
  r.scope = "contoso";
  CHECK(rule_error(r) == "scope: org rules have no scope (got 'contoso')");
  r.level = rule_level::tenant;
  r.scope = "";
  CHECK(rule_error(r) == "scope: is required for a tenant rule (the tenant id it applies to)");
  r.scope = "Contoso Ltd";
  CHECK(rule_error(r) == "scope: 'Contoso Ltd' is not a tenant id (1..63 of [a-z0-9-])");
  r.level = rule_level::user;
  r.scope = "";
  CHECK(rule_error(r) == "scope: is required for a user rule (the user id it applies to)");
  r.scope = "Contoso/u-1001";
  CHECK_THAT(rule_error(r), StartsWith("scope: 'Contoso' is not a tenant id"));
  r = ok;
  r.match = R"({"subject_regex": "(abc"})";
  CHECK(rule_error(r) == "match.subject_regex: invalid regex: missing ): (abc");
}

TEST_CASE("a scope that does not exist is an error", "[rules][validation]") {
  auto r = make_rule("t", rule_level::tenant, "northwind", rule_action::exclude,
                     R"({"folder": "junkemail"})", 100, rule_target::email);
  CHECK(rule_error(r) == "scope: tenant 'northwind' does not exist");
  r.scope = "fabrikam";
  CHECK(validate_rule(r, deployment()).is_ok());
  r.level = rule_level::user;
  r.scope = "u-9999";
  CHECK(rule_error(r) == "scope: user 'u-9999' does not exist");
  r.scope = "northwind/u-1001";
  CHECK(rule_error(r) == "scope: tenant 'northwind' does not exist");
  r.scope = "u-1001";
  CHECK(validate_rule(r, deployment()).is_ok());
}

TEST_CASE("a user rule pinned to a tenant the user is not in is an error",
          "[rules][validation]") {
  auto r = make_rule("keep", rule_level::user, "fabrikam/u-1001", rule_action::include,
                     R"({"subject_contains": "Newsletter"})");
  CHECK(rule_error(r) == "scope: user 'u-1001' belongs to tenant 'contoso', not 'fabrikam'");
  r.scope = "contoso/u-1001";
  CHECK(validate_rule(r, deployment()).is_ok());
  // During a move the tenant being left still counts.
  r.scope = "fabrikam/u-3001";
  CHECK(validate_rule(r, deployment()).is_ok());
}

TEST_CASE("event-only fields on an email rule are errors, on a both rule warnings",
          "[rules][validation]") {
  auto r = make_rule("x", rule_level::org, "", rule_action::exclude,
                     R"({"any": [{"show_as": "oof"}, {"subject_contains": "x"}]})", 100,
                     rule_target::email);
  CHECK(rule_error(r) == "match.any[0].show_as: only events carry show_as, but the rule "
                         "applies_to email (the leaf could never be true)");
  r.match = R"({"folder": "inbox"})";
  r.applies_to = rule_target::event;
  CHECK(rule_error(r) == "match.folder: only emails carry folder, but the rule applies_to event "
                         "(the leaf could never be true)");
  r.match = R"({"recurring": true})";
  r.applies_to = rule_target::both;
  std::vector<std::string> warnings;
  CHECK(validate_rule(r, deployment(), &warnings).is_ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "match.recurring: only events carry recurring; on emails this leaf is false");
}

TEST_CASE("a rule set needs unique ids and prefixes errors with the rule id",
          "[rules][validation]") {
  auto a = make_rule("dup", rule_level::org, "", rule_action::exclude, R"({"folder": "junkemail"})");
  auto b = make_rule("ok", rule_level::tenant, "nowhere", rule_action::exclude, R"({"folder": "x"})");
  auto st = validate_rule_set({a, a}, deployment());
  CHECK(st.message() == "rule 'dup': id: used by more than one rule");
  st = validate_rule_set({a, b}, deployment());
  CHECK(st.message() == "rule 'ok': scope: tenant 'nowhere' does not exist");
  auto compiled = compiled_rule_set::compile({a, a});
  REQUIRE_FALSE(compiled.has_value());
  CHECK(compiled.error().message() == "rule 'dup': id: used by more than one rule");
  a.match = R"({"folder": 1})";
  compiled = compiled_rule_set::compile({a});
  REQUIRE_FALSE(compiled.has_value());
  CHECK(compiled.error().message()
        == "rule 'dup': match.folder: must be a string or a list of strings");
}

TEST_CASE("user text quoted in an error message is cut short", "[rules][validation]") {
  std::string huge(5000, 'x');
  auto msg = parse_error(R"({"sender_domain": [")" + huge + R"(@y"]})");
  CHECK(msg.size() < 300);
  CHECK_THAT(msg, Contains("'" + std::string(120, 'x') + "...' is not a domain"));
}
