// One rule decoder for config files and API bodies: a rule that went into the store from a
// config file and came out as rule_to_json (what the API answers and an operator may paste back
// into the file) loads again from a config file unchanged, and re-applying it writes nothing.
#include <catch2/catch.hpp>

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "config/config_loader.hpp"
#include "config/declarative_apply.hpp"
#include "rules/rule_json.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

namespace {

const char* const tenants_and_users = R"(
    "tenants": [{"id": "contoso", "directory_id": "contoso.onmicrosoft.com"},
                {"id": "fabrikam", "directory_id": "fabrikam.onmicrosoft.com"}],
    "users": [{"id": "u-1001", "tenant": "contoso", "mailbox": "adele@contoso.com"}])";

std::string deployment(const std::string& rules) {
  return std::string{R"({"data_dir": "/unused",)"} + tenants_and_users + R"(, "rules": [)" + rules
         + "]}";
}

config parse(const std::string& text) {
  auto cfg = parse_config(text, "/", "test");
  INFO((cfg ? std::string{} : cfg.error().message()));
  REQUIRE(cfg.has_value());
  return std::move(cfg).value();
}

void check_same(const rule& a, const rule& b) {
  INFO("rule " << a.id);
  CHECK(a.id == b.id);
  CHECK(a.level == b.level);
  CHECK(a.scope == b.scope);
  CHECK(a.applies_to == b.applies_to);
  CHECK(a.action == b.action);
  CHECK(a.priority == b.priority);
  CHECK(a.enabled == b.enabled);
  CHECK(a.note == b.note);
  CHECK(a.version == b.version);
  CHECK(a.match == b.match);
}

} // namespace

TEST_CASE("a rule that went through the store and rule_to_json loads from a config file "
          "unchanged",
          "[config][rules][store]") {
  temp_directory dir;
  store_options options;
  options.path = dir.file("store");
  auto opened = lmdb_store::open(options);
  REQUIRE(opened.has_value());
  auto& store = **opened;
  secret_box box{*master_key::generate()};
  auto apply = [&](const config& cfg) {
    auto report = apply_declarations(cfg, store, box, "config:test", 1'000);
    INFO((report ? std::string{} : report.error().to_string()));
    REQUIRE(report.has_value());
    return std::move(report).value();
  };

  // Every level, defaults left out and every optional field given, and a second version.
  auto declared = deployment(R"(
    {"id": "no-newsletters", "level": "org", "applies_to": "email", "action": "exclude",
     "match": {"any": [{"subject_contains": "Newsletter"}, {"sender_domain": ["news.example.com"]}]}},
    {"id": "no-private", "level": "tenant", "scope": "fabrikam", "applies_to": "event",
     "action": "exclude", "priority": -3, "note": "legal asked",
     "match": {"sensitivity": ["private", "confidential"]}},
    {"id": "keep-client-news", "level": "user", "scope": "contoso/u-1001", "applies_to": "both",
     "action": "include", "enabled": false, "priority": 7,
     "match": {"all": [{"subject_contains": "Newsletter"}, {"not": {"internal_only": true}}]}})");
  apply(parse(declared));
  auto edited = declared;
  edited.replace(edited.find(R"("priority": 7)"), 13, R"("priority": 8)");
  apply(parse(edited));

  auto stored = store.list_rules();
  REQUIRE(stored.has_value());
  REQUIRE(stored->size() == 3);
  std::string pasted;
  for (auto& r : *stored)
    pasted += (pasted.empty() ? "" : ",\n") + boost::json::serialize(rule_to_json(r));
  INFO(pasted);
  auto reloaded = parse(deployment(pasted));
  REQUIRE(reloaded.rules.size() == stored->size());
  for (size_t i = 0; i < stored->size(); ++i) check_same(reloaded.rules[i], (*stored)[i]);
  CHECK(std::any_of(stored->begin(), stored->end(), [](auto& r) { return r.version == 2; }));

  auto again = apply(reloaded);
  CHECK(again.changes() == 0);
  CHECK(again.unchanged == 6);  // two tenants, one user, three rules
}
