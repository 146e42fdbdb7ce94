// Precedence: user, then tenant, then org; priority and id inside a level; disabled rules,
// applies_to, and rules of other users and tenants. Every case runs on both evaluators.
#include "rule_test_items.hpp"

using namespace m365;
using namespace m365::test;

namespace {

constexpr auto inc = rule_action::include;
constexpr auto exc = rule_action::exclude;
constexpr auto user = rule_level::user;
constexpr auto tenant = rule_level::tenant;
constexpr auto org = rule_level::org;

const char* newsletter = R"({"subject_contains": "newsletter"})";

/// The item of every case: u-1 of contoso receives a newsletter from a client.
email newsletter_mail() {
  return make_email("contoso", "u-1", "desk@client.example", {"u1@contoso.com"},
                    "Monthly Newsletter");
}

struct precedence_case {
  const char* name;
  std::vector<rule> rules;
  rule_action action;
  const char* decided_by;  ///< "" = default include
};

} // namespace

TEST_CASE("a higher level's include or exclude overrides a lower level's opposite action",
          "[rules][precedence]") {
  std::vector<precedence_case> cases = {
    {"user include over org exclude",
     {make_rule("org-x", org, "", exc, newsletter, 1), make_rule("me-i", user, "u-1", inc, newsletter, 900)},
     inc, "me-i"},
    {"user exclude over org include",
     {make_rule("org-i", org, "", inc, newsletter, 1), make_rule("me-x", user, "u-1", exc, newsletter, 900)},
     exc, "me-x"},
    {"user include over tenant exclude",
     {make_rule("ten-x", tenant, "contoso", exc, newsletter, 1), make_rule("me-i", user, "u-1", inc, newsletter, 900)},
     inc, "me-i"},
    {"user exclude over tenant include",
     {make_rule("ten-i", tenant, "contoso", inc, newsletter, 1), make_rule("me-x", user, "u-1", exc, newsletter, 900)},
     exc, "me-x"},
    {"tenant include over org exclude",
     {make_rule("org-x", org, "", exc, newsletter, 1), make_rule("ten-i", tenant, "contoso", inc, newsletter, 900)},
     inc, "ten-i"},
    {"tenant exclude over org include",
     {make_rule("org-i", org, "", inc, newsletter, 1), make_rule("ten-x", tenant, "contoso", exc, newsletter, 900)},
     exc, "ten-x"},
    {"all three levels: the user decides",
     {make_rule("org-x", org, "", exc, newsletter), make_rule("ten-i", tenant, "contoso", inc, newsletter),
      make_rule("me-x", user, "u-1", exc, newsletter)},
     exc, "me-x"},
    {"a user rule that does not match falls through to the tenant",
     {make_rule("me-i", user, "u-1", inc, R"({"subject_contains": "invoice"})"),
      make_rule("ten-x", tenant, "contoso", exc, newsletter), make_rule("org-i", org, "", inc, newsletter)},
     exc, "ten-x"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto v = decide_both(c.rules, newsletter_mail());
    CHECK(v.action == c.action);
    CHECK(v.rule_id == c.decided_by);
  }
}

TEST_CASE("inside a level the lowest priority decides and ties go to the smallest rule id",
          "[rules][precedence]") {
  std::vector<precedence_case> cases = {
    {"priority 5 include before priority 10 exclude",
     {make_rule("a-exclude", org, "", exc, newsletter, 10), make_rule("b-include", org, "", inc, newsletter, 5)},
     inc, "b-include"},
    {"priority 5 exclude before priority 10 include",
     {make_rule("a-include", org, "", inc, newsletter, 10), make_rule("b-exclude", org, "", exc, newsletter, 5)},
     exc, "b-exclude"},
    {"negative priorities come first",
     {make_rule("zero", tenant, "contoso", exc, newsletter, 0), make_rule("neg", tenant, "contoso", inc, newsletter, -3)},
     inc, "neg"},
    {"equal priority: 'alpha' before 'beta'",
     {make_rule("beta", user, "u-1", exc, newsletter, 10), make_rule("alpha", user, "u-1", inc, newsletter, 10)},
     inc, "alpha"},
    {"equal priority: byte order, 'B' before 'a'",
     {make_rule("a", org, "", inc, newsletter, 10), make_rule("B", org, "", exc, newsletter, 10)},
     exc, "B"},
    {"pinned and unpinned user rules share one priority order",
     {make_rule("plain", user, "u-1", inc, newsletter, 20),
      make_rule("pinned", user, "contoso/u-1", exc, newsletter, 10)},
     exc, "pinned"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto v = decide_both(c.rules, newsletter_mail());
    CHECK(v.action == c.action);
    CHECK(v.rule_id == c.decided_by);
  }
}

TEST_CASE("disabled rules, other item kinds and other users' or tenants' rules never decide",
          "[rules][precedence]") {
  auto disabled = make_rule("me-i", user, "u-1", inc, newsletter);
  disabled.enabled = false;
  std::vector<precedence_case> cases = {
    {"disabled user include", {disabled, make_rule("org-x", org, "", exc, newsletter)}, exc, "org-x"},
    {"event-only user include on an email",
     {make_rule("me-i", user, "u-1", inc, newsletter, 100, rule_target::event),
      make_rule("org-x", org, "", exc, newsletter, 100, rule_target::email)},
     exc, "org-x"},
    {"another user's include", {make_rule("u2-i", user, "u-2", inc, newsletter), make_rule("org-x", org, "", exc, newsletter)},
     exc, "org-x"},
    {"another user's exclude alone", {make_rule("u2-x", user, "u-2", exc, newsletter)}, inc, ""},
    {"another tenant's include",
     {make_rule("fab-i", tenant, "fabrikam", inc, newsletter), make_rule("org-x", org, "", exc, newsletter)},
     exc, "org-x"},
    {"another tenant's exclude alone", {make_rule("fab-x", tenant, "fabrikam", exc, newsletter)}, inc, ""},
    {"a user rule pinned to another tenant",
     {make_rule("pin-i", user, "fabrikam/u-1", inc, newsletter), make_rule("org-x", org, "", exc, newsletter)},
     exc, "org-x"},
    {"a user rule pinned to the item's tenant",
     {make_rule("pin-i", user, "contoso/u-1", inc, newsletter), make_rule("org-x", org, "", exc, newsletter)},
     inc, "pin-i"},
    {"a tenant rule whose scope is a user id", {make_rule("odd", tenant, "u-1", exc, newsletter)}, inc, ""},
    {"no rule matches", {make_rule("org-x", org, "", exc, R"({"subject_contains": "invoice"})")}, inc, ""},
    {"no rules at all", {}, inc, ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto v = decide_both(c.rules, newsletter_mail());
    CHECK(v.action == c.action);
    CHECK(v.rule_id == c.decided_by);
  }
}

TEST_CASE("the verdict records the deciding rule's id and version", "[rules][precedence]") {
  auto r = make_rule("keep-client-news", user, "u-1", inc, newsletter);
  r.version = 7;
  auto set = compiled_rule_set::compile({r});
  REQUIRE(set.has_value());
  std::vector<email> page{newsletter_mail(), make_email("contoso", "u-1", "a@b.example", {}, "hi")};
  page[1].decided_by = verdict{rule_action::exclude, "stale", 3};
  (*set)->decide_page(page, {});
  CHECK(page[0].decided_by == verdict{rule_action::include, "keep-client-news", 7});
  CHECK(page[1].decided_by == verdict{});
}

TEST_CASE("rules apply to events through the same precedence", "[rules][precedence]") {
  auto e = make_event("fabrikam", "u-3", "boss@fabrikam.com", {"u3@fabrikam.com"}, "1:1");
  e.sensitivity = "private";
  std::vector<rule> rules{
    make_rule("no-private", tenant, "fabrikam", exc, R"({"sensitivity": ["private", "confidential"]})",
              100, rule_target::event),
    make_rule("keep-mine", user, "u-3", inc, R"({"subject_contains": "1:1"})", 100, rule_target::event),
  };
  auto v = decide_both(rules, e);
  CHECK(v.rule_id == "keep-mine");
  rules.pop_back();
  CHECK(decide_both(rules, e).rule_id == "no-private");
  // The same rule set says nothing about an email of that user.
  CHECK(decide_both(rules, make_email("fabrikam", "u-3", "x@y.example", {}, "1:1")).rule_id.empty());
}
