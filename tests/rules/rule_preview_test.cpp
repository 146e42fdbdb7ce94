// Preview of a rule change over stored items, and the hot-swap holder.
#include "rule_test_items.hpp"

#include <atomic>
#include <thread>

#include "rules/rule_preview.hpp"
#include "rules/rule_set_holder.hpp"

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

TEST_CASE("the holder swaps rule sets while other threads evaluate", "[rules][holder]") {
  rule_set_holder holder;
  auto m = make_email("contoso", "u-1", "a@news.example", {}, "Newsletter");
  CHECK(holder.load()->evaluate(m, {}).decided_by == nullptr);

  auto exclude = make_rule("x", rule_level::org, "", rule_action::exclude, R"({"subject_contains": "news"})");
  auto include = make_rule("i", rule_level::org, "", rule_action::include, R"({"subject_contains": "news"})");
  auto set_x = *compiled_rule_set::compile({exclude});
  auto set_i = *compiled_rule_set::compile({include});

  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<int> evaluated{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto set = holder.load();
        auto v = set->evaluate(m, {}).to_verdict();
        // A verdict always comes from exactly one of the sets that were ever stored.
        bool ok = v.rule_id.empty() || (v.rule_id == "x" && v.action == rule_action::exclude)
                  || (v.rule_id == "i" && v.action == rule_action::include);
        bad += !ok;
        ++evaluated;
      }
    });
  for (int i = 0; i < 20000; ++i)
    holder.store(i % 2 ? set_x : set_i);
  // Let the readers evaluate at least once more after the last store before stopping them.
  int seen = evaluated.load();
  while (evaluated.load() < seen + 100)
    std::this_thread::yield();
  stop = true;
  for (auto& t : readers)
    t.join();
  CHECK(bad.load() == 0);
  CHECK(holder.load()->evaluate(m, {}).to_verdict().rule_id == "x");

  CHECK_FALSE(holder.replace({make_rule("", rule_level::org, "", rule_action::exclude, "{}")}));
  CHECK(holder.load()->evaluate(m, {}).to_verdict().rule_id == "x");  // old set kept
  CHECK(holder.replace({include}));
  CHECK(holder.load()->evaluate(m, {}).to_verdict().rule_id == "i");
  holder.store(nullptr);  // never leaves the engine without a set
  REQUIRE(holder.load() != nullptr);
  CHECK(holder.load()->rules().empty());
}
