// A put or remove of one rule: what the rule evaluator checks, what set it compiles next, and
// the one store change (with its audit record) that persists it.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "rule_admin/rule_edit.hpp"
#include "rules/memory_rule_catalog.hpp"
#include "tests/rules/rule_test_items.hpp"

using namespace m365;
using m365::test::make_rule;

namespace {

memory_rule_catalog deployment() {
  memory_rule_catalog catalog;
  catalog.add_tenant("contoso");
  catalog.add_user({"u-1", "contoso", "adele@contoso.com", "", 1});
  return catalog;
}

} // namespace

TEST_CASE("a put adds a rule or replaces the rule of its id with the next version",
          "[rule_admin][edit]") {
  auto news = make_rule("no-news", rule_level::org, "", rule_action::exclude,
                        R"({"subject_contains":"Newsletter"})");
  auto added = edit_put({}, news, deployment(), "api:k1", 1000);
  REQUIRE(added.has_value());
  CHECK_FALSE(added->unchanged);
  REQUIRE(added->rules.size() == 1);
  CHECK(added->subject.version == 1);
  REQUIRE(added->change.put.size() == 1);
  CHECK(added->change.action == "rule.put");
  CHECK(added->change.actor == "api:k1");
  CHECK(added->change.at == 1000);
  auto details = boost::json::parse(added->change.details).as_object();
  CHECK(details.at("before").is_null());
  CHECK(details.at("after").as_object().at("id").as_string() == "no-news");

  auto changed = news;
  changed.priority = 5;
  auto replaced = edit_put(added->rules, changed, deployment(), "api:k1", 2000);
  REQUIRE(replaced.has_value());
  REQUIRE(replaced->rules.size() == 1);
  CHECK(replaced->rules[0].priority == 5);
  CHECK(replaced->subject.version == 2);
  CHECK(replaced->change.put.at(0).version == 2);
  details = boost::json::parse(replaced->change.details).as_object();
  CHECK(details.at("before").as_object().at("priority").as_int64() == 100);
  CHECK(details.at("after").as_object().at("version").as_int64() == 2);

  // The same content again (whatever version it names) writes nothing.
  auto again = edit_put(replaced->rules, changed, deployment(), "api:k1", 3000);
  REQUIRE(again.has_value());
  CHECK(again->unchanged);
  CHECK(again->subject.version == 2);
  CHECK(again->change.put.empty());
}

TEST_CASE("a put that does not validate is refused with every problem", "[rule_admin][edit]") {
  auto r = make_rule("t", rule_level::tenant, "northwind", rule_action::exclude,
                     R"({"any":[{"show_as":"oof"}]})", 100, rule_target::email);
  auto refused = edit_put({}, r, deployment(), "api:k1", 1000);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == status_code::invalid_argument);
  CHECK(refused.error().message()
        == "match.any[0].show_as: only events carry show_as, but the rule applies_to email (the "
           "leaf could never be true)\nscope: tenant 'northwind' does not exist");
}

TEST_CASE("a remove takes the rule out and names it in the audit details",
          "[rule_admin][edit]") {
  auto a = make_rule("a", rule_level::org, "", rule_action::exclude, R"({"folder":"junkemail"})");
  auto b = make_rule("b", rule_level::user, "u-1", rule_action::include, R"({"category":"vip"})");
  auto removed = edit_remove({a, b}, "a", "cli", 1000);
  REQUIRE(removed.has_value());
  REQUIRE(removed->rules.size() == 1);
  CHECK(removed->rules[0].id == "b");
  CHECK(removed->change.remove == std::vector<std::string>{"a"});
  CHECK(removed->change.action == "rule.remove");
  CHECK(boost::json::parse(removed->change.details).at("after").is_null());
  auto missing = edit_remove({a, b}, "c", "cli", 1000);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == status_code::not_found);
}
