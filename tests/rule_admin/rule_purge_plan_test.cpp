// Preview and purge over a real store: the plan counts what the candidate newly excludes, its
// token changes with the store, and purge_change removes exactly those items and stores the
// rule in one transaction.
#include <catch2/catch.hpp>

#include "rule_admin/rule_purge_plan.hpp"
#include "store/lmdb_store.hpp"
#include "tests/rules/rule_test_items.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;

namespace {

/// contoso/u-1 and u-2 with 10 emails each; every third subject is a newsletter.
void fill(lmdb_store& store) {
  tenant_settings contoso;
  contoso.id = "contoso";
  REQUIRE(store.put_tenant(contoso));
  for (const char* user : {"u-1", "u-2"}) {
    REQUIRE(store.put_user({user, "contoso", std::string{user} + "@contoso.com", "", 1}));
    auto page = sample::make_email_page("contoso", user, "inbox", 1, 0, 10,
                                        "M-");
    for (size_t i = 0; i < page.items.size(); ++i)
      page.items[i].subject = i % 3 == 0 ? "Monthly Newsletter" : "Project update";
    test::commit_one(store, page);
  }
}

rule newsletters() {
  return test::make_rule("no-news", rule_level::org, "", rule_action::exclude,
                         R"({"subject_contains":"newsletter"})", 100, rule_target::email);
}

} // namespace

TEST_CASE("a purge plan finds the newly excluded items and a purge removes exactly them",
          "[rule_admin][purge][store]") {
  test::temp_directory dir;
  auto store = test::open_store(dir.path());
  fill(*store);
  CHECK(validate_candidate_rule(*store, newsletters()));
  auto user_rule = newsletters();
  user_rule.level = rule_level::user;
  user_rule.scope = "u-9";
  CHECK(validate_candidate_rule(*store, user_rule).message()
        == "scope: user 'u-9' does not exist");

  auto plan = make_purge_plan(*store, newsletters(), {});
  REQUIRE(plan.has_value());
  auto& report = plan->report;
  CHECK(report.scanned_emails == 20);
  CHECK(report.total.newly_excluded == 8);  // items 0, 3, 6, 9 of each user
  CHECK(plan->newly_excluded.size() == 8);
  REQUIRE(report.per_user.size() == 2);
  CHECK(report.per_user[0].user == "u-1");
  CHECK(report.per_user[0].newly_excluded == 4);
  CHECK(report.examples.size() == 5);
  CHECK(report.examples[0].after.rule_id == "no-news");
  CHECK(report.token.size() == 16);
  // The same plan again gives the same token; --tenant gives its own.
  CHECK(make_purge_plan(*store, newsletters(), {})->report.token == report.token);
  CHECK(make_purge_plan(*store, newsletters(), "contoso")->report.token != report.token);

  REQUIRE(store->change_rules(purge_change(*plan, "cli", 5000)));
  auto rules = store->list_rules();
  REQUIRE(rules.has_value());
  REQUIRE(rules->size() == 1);
  CHECK(rules->at(0).id == "no-news");
  CHECK(store->get_email("contoso", "u-1", "M-contoso-u-1-inbox-0").error().code() == status_code::not_found);
  CHECK(store->get_email("contoso", "u-1", "M-contoso-u-1-inbox-1").has_value());
  auto report_after = purge_report(*plan);
  CHECK(report_after.removed == 8);
  CHECK(report_after.per_user.size() == 2);

  // The rule is stored now: a second plan finds nothing new and bumps the version.
  auto again = make_purge_plan(*store, newsletters(), {});
  REQUIRE(again.has_value());
  CHECK(again->report.total.newly_excluded == 0);
  CHECK(again->report.replaces_stored);
  CHECK(again->report.candidate.version == 2);
  CHECK(again->report.token != report.token);
}
