// explain(): the rules tried level by level, which leaves were true, and the decision.
#include "rule_test_items.hpp"

#include <boost/json.hpp>

using namespace m365;
using namespace m365::test;
using Catch::Matchers::Contains;

namespace {

std::vector<rule> design_rules() {
  auto keep = make_rule("keep-client-news", rule_level::user, "u-1001", rule_action::include,
                        R"({"all": [{"subject_contains": "Newsletter"},
                                    {"sender_address": ["desk@client.example"]}]})",
                        100, rule_target::email);
  keep.version = 3;
  auto off = make_rule("old-idea", rule_level::user, "u-1001", rule_action::exclude,
                       R"({"subject_contains": "Newsletter"})", 1);
  off.enabled = false;
  return {
    make_rule("no-newsletters", rule_level::org, "", rule_action::exclude,
              R"({"any": [{"subject_contains": "Newsletter"}, {"sender_domain": ["news.example.com"]}]})",
              10, rule_target::email),
    keep,
    off,
    make_rule("no-private", rule_level::tenant, "contoso", rule_action::exclude,
              R"({"sensitivity": ["private", "confidential"]})", 100, rule_target::event),
    make_rule("other-user", rule_level::user, "u-2002", rule_action::include,
              R"({"subject_contains": "Newsletter"})"),
  };
}

} // namespace

TEST_CASE("explain lists the rules tried level by level and the deciding leaves",
          "[rules][explain]") {
  auto set = compiled_rule_set::compile(design_rules());
  REQUIRE(set.has_value());
  auto news = make_email("contoso", "u-1001", "desk@client.example", {"adele@contoso.com"},
                         "Client Newsletter #4");
  auto ex = (*set)->explain(news, {});
  CHECK(ex.item_kind == "email");
  REQUIRE(ex.tried.size() == 2);
  CHECK(ex.tried[0].id == "old-idea");
  CHECK(ex.tried[0].outcome == rule_outcome::disabled);
  CHECK(ex.tried[1].id == "keep-client-news");
  CHECK(ex.tried[1].outcome == rule_outcome::matched);
  CHECK(ex.tried[1].true_leaves
        == std::vector<std::string>{"match.all[0].subject_contains", "match.all[1].sender_address"});
  CHECK(ex.decision == verdict{rule_action::include, "keep-client-news", 3});
  CHECK(explanation_text(ex)
        == "user u-1001:\n"
           "  old-idea (v1, priority 1, exclude): skipped (disabled)\n"
           "  keep-client-news (v3, priority 100, include): matched by "
           "match.all[0].subject_contains, match.all[1].sender_address\n"
           "decision: include by rule keep-client-news v3\n");
}

TEST_CASE("explain walks down to the org level and shows partial leaf hits",
          "[rules][explain]") {
  auto set = compiled_rule_set::compile(design_rules());
  REQUIRE(set.has_value());
  auto news = make_email("contoso", "u-1001", "info@news.example.com", {}, "Newsletter");
  auto ex = (*set)->explain(news, {});
  REQUIRE(ex.tried.size() == 4);
  CHECK(ex.tried[1].outcome == rule_outcome::not_matched);
  CHECK(ex.tried[1].true_leaves == std::vector<std::string>{"match.all[0].subject_contains"});
  CHECK(ex.tried[2].id == "no-private");
  CHECK(ex.tried[2].outcome == rule_outcome::other_kind);
  CHECK(ex.tried[3].id == "no-newsletters");
  CHECK(ex.tried[3].true_leaves
        == std::vector<std::string>{"match.any[0].subject_contains", "match.any[1].sender_domain"});
  CHECK(ex.decision.rule_id == "no-newsletters");
  CHECK(ex.decision == (*set)->evaluate(news, {}).to_verdict());
  CHECK_THAT(explanation_text(ex), Contains("tenant contoso:\n  no-private (v1, priority 100, exclude): "
                                    "skipped (applies_to)\norg:\n"));

  auto json = boost::json::parse(explanation_json(ex)).as_object();
  CHECK(json.at("decision").at("rule_id").as_string() == "no-newsletters");
  CHECK(json.at("decision").at("default").as_bool() == false);
  CHECK(json.at("tried").as_array().size() == 4);
  CHECK(json.at("tried").at(3).at("outcome").as_string() == "matched");
}

TEST_CASE("explain says default include when nothing matches", "[rules][explain]") {
  auto set = compiled_rule_set::compile(design_rules());
  REQUIRE(set.has_value());
  auto e = make_event("fabrikam", "u-9", "a@fabrikam.com", {}, "Standup");
  auto ex = (*set)->explain(e, {});
  CHECK(ex.item_kind == "event");
  REQUIRE(ex.tried.size() == 1);
  CHECK(ex.tried[0].id == "no-newsletters");
  CHECK(ex.tried[0].outcome == rule_outcome::other_kind);
  CHECK(ex.decision == verdict{});
  CHECK_THAT(explanation_text(ex), Contains("decision: include (default: no rule matched)"));
}

TEST_CASE("explain marks a user rule pinned to another tenant as skipped", "[rules][explain]") {
  std::vector<rule> rules{
    make_rule("old-tenant-only", rule_level::user, "fabrikam/u-1001", rule_action::exclude,
              R"({"all": []})"),
    make_rule("catch-all", rule_level::user, "u-1001", rule_action::include, R"({"all": []})", 200),
  };
  auto set = compiled_rule_set::compile(rules);
  REQUIRE(set.has_value());
  auto moved = make_email("contoso", "u-1001", "a@b.example", {}, "hello");
  auto ex = (*set)->explain(moved, {});
  REQUIRE(ex.tried.size() == 2);
  CHECK(ex.tried[0].outcome == rule_outcome::other_tenant);
  CHECK(ex.tried[1].outcome == rule_outcome::matched);
  CHECK(ex.tried[1].true_leaves.empty());  // {"all": []} has no leaves
  CHECK_THAT(explanation_text(ex), Contains("old-tenant-only (v1, priority 100, exclude): skipped (pinned "
                                    "to another tenant)"));
  auto old = moved;
  old.tenant = "fabrikam";
  CHECK((*set)->explain(old, {}).decision.rule_id == "old-tenant-only");
  CHECK(decide_both(rules, old).rule_id == "old-tenant-only");
  CHECK(decide_both(rules, moved).rule_id == "catch-all");
}
