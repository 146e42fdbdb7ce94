// The small building blocks of the compiled set: the string table, the fact table and the page
// filter.
#include "rule_test_items.hpp"

#include "rules/fact_table.hpp"
#include "rules/page_filter.hpp"
#include "rules/string_table.hpp"

using namespace m365;
using namespace m365::test;

TEST_CASE("the string table gives dense ids and finds every key it holds, and no other",
          "[rules][tables]") {
  rules_impl::string_table t;
  CHECK(t.find("anything") == rules_impl::string_table::npos);
  std::vector<std::string> keys{""};
  for (int i = 0; i < 3000; ++i)
    keys.push_back("user" + std::to_string(i) + (i % 2 ? "@contoso.com" : ""));
  for (size_t i = 0; i < keys.size(); ++i)
    CHECK(t.insert(keys[i]) == i);
  CHECK(t.insert(keys[17]) == 17);  // re-inserting returns the same id
  CHECK(t.size() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    CHECK(t.find(keys[i]) == i);
    CHECK(t.key(static_cast<uint32_t>(i)) == keys[i]);
  }
  CHECK(t.find("user1@contoso.co") == rules_impl::string_table::npos);
  CHECK(t.find("user3000") == rules_impl::string_table::npos);
}

TEST_CASE("the fact table returns the range stored for a key and nothing for others",
          "[rules][tables]") {
  rules_impl::fact_table t;
  CHECK(t.find(5).begin == t.find(5).end);
  std::vector<std::pair<uint64_t, rules_impl::fact_table::range>> entries;
  for (uint32_t i = 0; i < 1000; ++i)
    entries.push_back({(uint64_t{i % 14} << 32) | (i * 7919u), {i, i + 1 + i % 3}});
  t.build(entries);
  for (const auto& [key, r] : entries) {
    CHECK(t.find(key).begin == r.begin);
    CHECK(t.find(key).end == r.end);
  }
  auto miss = t.find(uint64_t{99} << 32);
  CHECK(miss.begin == miss.end);
}

TEST_CASE("filtering a page keeps included items with their verdict and removes excluded ones",
          "[rules][tables]") {
  auto r = make_rule("no-news", rule_level::org, "", rule_action::exclude,
                     R"({"subject_contains": "newsletter"})");
  r.version = 4;
  auto keep = make_rule("keep-vip", rule_level::user, "u-1", rule_action::include,
                        R"({"category": "vip"})");
  auto set = compiled_rule_set::compile({r, keep});
  REQUIRE(set.has_value());
  email_page page;
  page.items = {make_email("contoso", "u-1", "a@x.example", {}, "Newsletter"),
                make_email("contoso", "u-1", "a@x.example", {}, "Contract"),
                make_email("contoso", "u-1", "a@x.example", {}, "Newsletter (VIP)"),
                make_email("contoso", "u-1", "a@x.example", {}, "newsletter again")};
  for (size_t i = 0; i < page.items.size(); ++i)
    page.items[i].graph_id = "id-" + std::to_string(i);
  page.items[2].categories = {"VIP"};
  page.removed_ids = {"gone-before"};
  auto counts = filter_page(**set, page, {});
  CHECK(counts.included == 2);
  CHECK(counts.excluded == 2);
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].graph_id == "id-1");
  CHECK(page.items[0].decided_by == verdict{});
  CHECK(page.items[1].graph_id == "id-2");
  CHECK(page.items[1].decided_by == verdict{rule_action::include, "keep-vip", 1});
  CHECK(page.removed_ids == std::vector<std::string>{"gone-before", "id-0", "id-3"});
}
