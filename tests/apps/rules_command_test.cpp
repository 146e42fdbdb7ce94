// `m365sync rules preview|purge|explain` over a store filled by a small demo run: the preview
// counts what the export shows, a purge needs the preview's token, removes exactly the
// previewed items and leaves a store that still opens and exports; explain names the decider.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>

#include <boost/json.hpp>

#include "store/lmdb_store.hpp"
#include "tests/apps/child_process.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using namespace std::chrono_literals;
using m365::testing::run_to_end;
using m365::test::temp_directory;

namespace {

const std::string binary = M365SYNC_BINARY;
const std::string word = "fee proposal";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct exported {
  size_t lines = 0;
  size_t with_word = 0;  ///< emails whose subject contains `word` (any case)
  std::string some_email_tenant, some_email_user, some_email_id;
};

exported export_of(const temp_directory& dir) {
  auto out = dir.file("export.jsonl");
  auto run = run_to_end({binary, "export", "--data-dir", dir.file("data"), "--output", out}, 120s);
  REQUIRE(run.exit_code == 0);
  exported e;
  std::ifstream in{out};
  std::string line;
  while (std::getline(in, line)) {
    ++e.lines;
    auto o = boost::json::parse(line).as_object();
    if (o.at("kind").as_string() != "email") continue;
    auto subject = lower(std::string(o.at("subject").as_string()));
    if (subject.find(word) != std::string::npos) ++e.with_word;
    else if (e.some_email_id.empty() && subject.find("budget forecast") != std::string::npos) {
      e.some_email_tenant = std::string(o.at("tenant").as_string());
      e.some_email_user = std::string(o.at("user").as_string());
      e.some_email_id = std::string(o.at("graph_id").as_string());
    }
  }
  return e;
}

/// The first capture of `pattern` in `text`, or "".
std::string capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string{};
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path};
  out << text;
}

} // namespace

TEST_CASE("rules purge removes exactly the items its preview counted, and only with its token",
          "[apps][rules][purge]") {
  temp_directory dir;
  auto demo = run_to_end({binary, "demo", "--keep", dir.file("data"), "--tenants", "3", "--users",
                          "2", "--messages", "200", "--events", "5", "--quiet"},
                         300s);
  INFO(demo.output);
  REQUIRE(demo.exit_code == 0);
  auto before = export_of(dir);
  REQUIRE(before.with_word > 0);

  auto rule_file = dir.file("rule.json");
  write_file(rule_file, R"({"id": "no-fee-proposals", "level": "org", "applies_to": "email",
    "action": "exclude", "priority": 5, "match": {"subject_contains": "Fee Proposal"}})");
  auto preview =
    run_to_end({binary, "rules", "preview", "--data-dir", dir.file("data"), "--rule", rule_file});
  INFO(preview.output);
  REQUIRE(preview.exit_code == 0);
  auto n = std::stoul(capture(preview.output, R"(newly excluded: (\d+))"));
  auto token = capture(preview.output, R"(preview token: ([0-9a-f]{16}))");
  REQUIRE(token.size() == 16);
  // The demo's rules (stored through its rule evaluator) exclude none of these, so every stored
  // email with the words is newly excluded.
  CHECK(n == before.with_word);
  CHECK(n > 0);
  CHECK(preview.output.find("-> excluded by no-fee-proposals v1") != std::string::npos);

  {  // An invalid candidate is refused naming the problem; a tenant rule must name a tenant.
    auto bad = dir.file("bad-rule.json");
    write_file(bad, R"({"id": "x", "level": "org", "action": "exclude", "priorty": 1,
      "match": {"subject_contains": "a"}})");
    auto run = run_to_end({binary, "rules", "preview", "--data-dir", dir.file("data"), "--rule", bad});
    CHECK(run.exit_code == 2);
    CHECK(run.output.find("priorty") != std::string::npos);
    write_file(bad, R"({"id": "x", "level": "tenant", "scope": "no-such-tenant",
      "action": "exclude", "match": {"subject_contains": "a"}})");
    run = run_to_end({binary, "rules", "preview", "--data-dir", dir.file("data"), "--rule", bad});
    CHECK(run.exit_code == 2);
    CHECK(run.output.find("no-such-tenant") != std::string::npos);
  }
  {  // --tenant previews one tenant's items, with a token of its own.
    auto first_tenant = capture(preview.output, R"(\n  ([a-z0-9-]+) / )");
    REQUIRE_FALSE(first_tenant.empty());
    auto one = run_to_end({binary, "rules", "preview", "--data-dir", dir.file("data"), "--rule",
                           rule_file, "--tenant", first_tenant});
    REQUIRE(one.exit_code == 0);
    auto n_one = std::stoul(capture(one.output, R"(newly excluded: (\d+))"));
    CHECK(n_one > 0);
    CHECK(n_one <= n);
    CHECK(capture(one.output, R"(preview token: ([0-9a-f]{16}))") != token);
  }
  {  // A wrong token exits 2 and changes nothing.
    auto wrong = token;
    wrong[0] = wrong[0] == '0' ? '1' : '0';
    auto purge = run_to_end({binary, "rules", "purge", "--data-dir", dir.file("data"), "--rule",
                             rule_file, "--confirm", wrong});
    CHECK(purge.exit_code == 2);
    CHECK(purge.output.find("Nothing was purged") != std::string::npos);
    auto after = export_of(dir);
    CHECK(after.lines == before.lines);
    CHECK(after.with_word == before.with_word);
  }
  {  // The token of another rule (same id, wider match) exits 2 and changes nothing.
    auto other_file = dir.file("other-rule.json");
    write_file(other_file, R"({"id": "no-fee-proposals", "level": "org", "applies_to": "email",
      "action": "exclude", "priority": 5, "match": {"subject_contains": "fee"}})");
    auto purge = run_to_end({binary, "rules", "purge", "--data-dir", dir.file("data"), "--rule",
                             other_file, "--confirm", token});
    CHECK(purge.exit_code == 2);
    CHECK(export_of(dir).lines == before.lines);
  }
  {  // The preview's token removes exactly the previewed items and stores the rule.
    auto purge = run_to_end({binary, "rules", "purge", "--data-dir", dir.file("data"), "--rule",
                             rule_file, "--confirm", token});
    INFO(purge.output);
    REQUIRE(purge.exit_code == 0);
    CHECK(purge.output.find("purged " + std::to_string(n) + " stored items") !=
          std::string::npos);
    auto after = export_of(dir);
    CHECK(after.lines == before.lines - n);
    CHECK(after.with_word == 0);
    store_options options;
    options.path = dir.file("data/store");
    options.read_only = true;
    auto store = lmdb_store::open(options);
    REQUIRE(store.has_value());
    auto rules = (*store)->list_rules();
    REQUIRE(rules.has_value());
    REQUIRE(rules->size() == 4);  // the demo's three and the purge's
    CHECK(std::any_of(rules->begin(), rules->end(),
                      [](const rule& r) { return r.id == "no-fee-proposals" && r.version == 1; }));
    store->reset();
    // The same token again: the store changed (the items are gone), so it no longer matches.
    auto again = run_to_end({binary, "rules", "purge", "--data-dir", dir.file("data"), "--rule",
                             rule_file, "--confirm", token});
    CHECK(again.exit_code == 2);
    // A fresh preview now finds nothing more to exclude.
    auto repeat =
      run_to_end({binary, "rules", "preview", "--data-dir", dir.file("data"), "--rule", rule_file});
    CHECK(repeat.exit_code == 0);
    CHECK(capture(repeat.output, R"(newly excluded: (\d+))") == "0");
  }
}

TEST_CASE("rules explain names the stored rule that decides a stored item",
          "[apps][rules][explain]") {
  temp_directory dir;
  auto demo = run_to_end({binary, "demo", "--keep", dir.file("data"), "--tenants", "3", "--users",
                          "2", "--messages", "200", "--events", "5", "--quiet"},
                         300s);
  REQUIRE(demo.exit_code == 0);
  auto before = export_of(dir);
  REQUIRE_FALSE(before.some_email_id.empty());
  {
    store_options options;
    options.path = dir.file("data/store");
    auto store = lmdb_store::open(options);
    REQUIRE(store.has_value());
    rule keep;
    keep.id = "keep-budget";
    keep.action = rule_action::include;
    keep.priority = 1;
    keep.match = R"({"subject_contains":"budget forecast"})";
    REQUIRE((*store)->put_rule(keep));
    rule drop;
    drop.id = "drop-nothing";
    drop.action = rule_action::exclude;
    drop.priority = 0;
    drop.match = R"({"subject_contains":"no subject has this"})";
    REQUIRE((*store)->put_rule(drop));
  }
  auto explain = run_to_end({binary, "rules", "explain", "--data-dir", dir.file("data"),
                             "--tenant", before.some_email_tenant, "--user", before.some_email_user,
                             "--id", before.some_email_id, "--json"});
  INFO(explain.output);
  REQUIRE(explain.exit_code == 0);
  auto json = boost::json::parse(explain.output.substr(explain.output.find('{'))).as_object();
  auto& decision = json.at("decision").as_object();
  CHECK(decision.at("rule_id").as_string() == "keep-budget");
  // The demo's own user and tenant rules may come first; the org level ends with these two.
  auto& tried = json.at("tried").as_array();
  REQUIRE(tried.size() >= 2);
  CHECK(tried[tried.size() - 2].as_object().at("id").as_string() == "drop-nothing");
  CHECK(tried.back().as_object().at("id").as_string() == "keep-budget");

  auto text = run_to_end({binary, "rules", "explain", "--data-dir", dir.file("data"), "--tenant",
                          before.some_email_tenant, "--user", before.some_email_user, "--id",
                          before.some_email_id});
  CHECK(text.exit_code == 0);
  CHECK(text.output.find("keep-budget") != std::string::npos);

  auto missing = run_to_end({binary, "rules", "explain", "--data-dir", dir.file("data"),
                             "--tenant", before.some_email_tenant, "--user",
                             before.some_email_user, "--id", "no-such-graph-id"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("no stored email or event") != std::string::npos);
}
