// Preview of a rule change over stored items.
#include "rule_test_items.hpp"

#include "rules/rule_preview.hpp"

using namespace m365;
using namespace m365::test;

TEST_CASE("a preview counts per tenant and user what a candidate rule would newly exclude",
          "[rules][preview]") {
  std::vector<rule> current{
    make_rule("no-junk", rule_level::org, "", rule_action::exclude, R"({"folder": "junkemail"})"),
    make_rule("keep-news", rule_level::user, "u-2", rule_action::include,
              R"({"subject_contains": "newsletter"})"),
  };
  auto candidate = make_rule("no-news", rule_level::org, "", rule_action::exclude,
                             R"({"subject_contains": "newsletter"})");
  auto preview = rule_preview::for_candidate_rule(current, candidate, 2);
  REQUIRE(preview.has_value());

  std::vector<email> stored{
    make_email("contoso", "u-1", "a@news.example", {}, "Newsletter 1"),
    make_email("contoso", "u-1", "a@news.example", {}, "Newsletter 2"),
    make_email("contoso", "u-1", "a@client.example", {}, "Contract"),
    make_email("contoso", "u-2", "a@news.example", {}, "Newsletter 1"),  // kept by u-2's rule
    make_email("fabrikam", "u-3", "a@news.example", {}, "newsletter"),
  };
  stored[1].folder = "junkemail";  // already excluded today
  for (const auto& m : stored)
    preview->add(m, {});

  const auto& per = preview->per_user();
  REQUIRE(per.size() == 3);
  auto u1 = per.at({"contoso", "u-1"});
  CHECK(u1.scanned == 3);
  CHECK(u1.excluded_now == 1);
  CHECK(u1.excluded_after == 2);
  CHECK(u1.newly_excluded == 1);
  CHECK(per.at({"contoso", "u-2"}).newly_excluded == 0);
  CHECK(per.at({"fabrikam", "u-3"}).newly_excluded == 1);
  auto total = preview->total();
  CHECK(total.scanned == 5);
  CHECK(total.newly_excluded == 2);
  CHECK(total.newly_included == 0);
  REQUIRE(preview->samples().size() == 2);
  CHECK(preview->samples()[0].subject == "Newsletter 1");
  CHECK(preview->samples()[0].after.rule_id == "no-news");
  CHECK(preview->newly_excludes(stored[0], {}));
  CHECK_FALSE(preview->newly_excludes(stored[3], {}));
}

TEST_CASE("a preview of removing a rule counts what comes back", "[rules][preview]") {
  std::vector<rule> current{
    make_rule("no-junk", rule_level::org, "", rule_action::exclude, R"({"folder": "junkemail"})")};
  auto preview = rule_preview::for_removed_rule(current, "no-junk");
  REQUIRE(preview.has_value());
  auto m = make_email("contoso", "u-1", "a@b.example", {}, "x");
  m.folder = "JunkEmail";
  preview->add(m, {});
  CHECK(preview->total().newly_included == 1);
  CHECK(preview->total().newly_excluded == 0);
  CHECK(rule_preview::for_removed_rule(current, "nope").error().code() == status_code::not_found);
}

TEST_CASE("a preview with an invalid candidate rule fails with the rule's error",
          "[rules][preview]") {
  auto bad = make_rule("bad", rule_level::org, "", rule_action::exclude, R"({"subject_regex": "("})");
  auto preview = rule_preview::for_candidate_rule({}, bad);
  REQUIRE_FALSE(preview.has_value());
  CHECK(preview.error().message() == "rule 'bad': match.subject_regex: invalid regex: missing ): (");
}
