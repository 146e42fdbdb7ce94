// A deployment keeps its tenants, users and rules in git and re-applies the file at every start:
// the same file must change nothing the second time, and an edit must change exactly that record.
#include <catch2/catch.hpp>

#include "config/config_loader.hpp"
#include "config/declarative_apply.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

namespace {

std::string deployment(const std::string& contoso_interval, const std::string& secret,
                       const std::string& rule_priority) {
  return R"({
    "data_dir": "/unused",
    "tenants": [
      {"id": "contoso", "directory_id": "contoso.onmicrosoft.com",
       "credential": {"client_id": "c1", "client_secret": ")" + secret + R"("},
       "schedule": {"email_interval_s": )" + contoso_interval + R"(}},
      {"id": "fabrikam", "directory_id": "fabrikam.onmicrosoft.com"}
    ],
    "users": [{"id": "u-1001", "tenant": "contoso", "mailbox": "adele@contoso.com"},
              {"id": "u-2001", "tenant": "fabrikam", "mailbox": "alex@fabrikam.com"}],
    "rules": [{"id": "no-newsletters", "level": "org", "applies_to": "email", "action": "exclude",
               "priority": )" + rule_priority + R"(, "match": {"subject_contains": "Newsletter"}}]
  })";
}

config parse(const std::string& text) {
  auto cfg = parse_config(text, "/", "test");
  INFO((cfg ? std::string{} : cfg.error().message()));
  REQUIRE(cfg.has_value());
  return std::move(cfg).value();
}

struct fixture {
  temp_directory dir;
  std::unique_ptr<lmdb_store> store;
  secret_box box{*master_key::generate()};

  fixture() {
    store_options options;
    options.path = dir.file("store");
    auto opened = lmdb_store::open(options);
    INFO((opened ? std::string{} : opened.error().to_string()));
    REQUIRE(opened.has_value());
    store = std::move(opened).value();
  }

  apply_report apply(const config& cfg) {
    auto report = apply_declarations(cfg, *store, box, "config:test", 1'000);
    INFO((report ? std::string{} : report.error().to_string()));
    REQUIRE(report.has_value());
    return std::move(report).value();
  }
};

} // namespace

TEST_CASE("applying the same config twice changes nothing the second time",
          "[config][apply][store]") {
  fixture f;
  auto cfg = parse(deployment("300", "first-secret", "10"));
  auto first = f.apply(cfg);
  CHECK(first.tenants_written == 2);
  CHECK(first.credentials_written == 1);  // fabrikam declares none
  CHECK(first.users_written == 2);
  CHECK(first.rules_written == 1);
  CHECK(first.changes() == 6);
  CHECK(first.unchanged == 0);
  auto second = f.apply(cfg);
  CHECK(second.changes() == 0);
  CHECK(second.unchanged == 6);
  CHECK(second.lines.empty());

  auto tenant = f.store->get_tenant("contoso");
  REQUIRE(tenant.has_value());
  CHECK(tenant->version == 1);
  CHECK(tenant->client_id == "c1");
  CHECK(tenant->credential == credential_kind::client_secret);
  auto sealed = f.store->get_sealed_credential("contoso");
  REQUIRE(sealed.has_value());
  CHECK(sealed->find("first-secret") == std::string::npos);
  auto opened = f.box.open("contoso", *sealed);
  REQUIRE(opened.has_value());
  CHECK(decode_credential(*opened)->client_secret == "first-secret");
  CHECK(f.store->get_user("u-2001")->tenant == "fabrikam");
  auto rules = f.store->list_rules();
  REQUIRE(rules.has_value());
  REQUIRE(rules->size() == 1);
  CHECK(rules->at(0).match == R"({"subject_contains":"Newsletter"})");
}

TEST_CASE("an edited config rewrites only the records that changed, bumping their version",
          "[config][apply][store]") {
  fixture f;
  f.apply(parse(deployment("300", "first-secret", "10")));
  auto edited = f.apply(parse(deployment("60", "rotated-secret", "20")));
  CHECK(edited.tenants_written == 1);
  CHECK(edited.credentials_written == 1);
  CHECK(edited.users_written == 0);
  CHECK(edited.rules_written == 1);
  CHECK(edited.unchanged == 3);
  CHECK(edited.lines == std::vector<std::string>{"tenant contoso: updated",
                                                 "credential contoso: replaced",
                                                 "rule no-newsletters: updated"});
  auto tenant = f.store->get_tenant("contoso");
  REQUIRE(tenant.has_value());
  CHECK(tenant->email_interval_s == 60);
  CHECK(tenant->version == 2);
  CHECK(f.store->get_tenant("fabrikam")->version == 1);
  CHECK(f.store->list_rules()->at(0).priority == 20);
  CHECK(f.store->list_rules()->at(0).version == 2);
  auto opened = f.box.open("contoso", *f.store->get_sealed_credential("contoso"));
  CHECK(decode_credential(*opened)->client_secret == "rotated-secret");
  CHECK(f.apply(parse(deployment("60", "rotated-secret", "20"))).changes() == 0);
}

TEST_CASE("a credential sealed under another master key is replaced by the declared one",
          "[config][apply][store]") {
  fixture f;
  auto cfg = parse(deployment("300", "first-secret", "10"));
  f.apply(cfg);
  secret_box other{*master_key::generate()};
  auto report = apply_declarations(cfg, *f.store, other, "config:test", 2'000);
  REQUIRE(report.has_value());
  CHECK(report->credentials_written == 1);
  CHECK(report->tenants_written == 0);
  CHECK(other.open("contoso", *f.store->get_sealed_credential("contoso")).has_value());
}

TEST_CASE("moving a user to another tenant in the file reassigns it, keeping an API-started move",
          "[config][apply][store]") {
  fixture f;
  f.apply(parse(deployment("300", "s", "10")));
  // A phased move started through the API is recorded in moving_from; the file does not know it.
  auto stored = f.store->get_user("u-1001");
  REQUIRE(stored.has_value());
  auto moving = *stored;
  moving.moving_from = "legacy";
  REQUIRE(f.store->put_user(moving));
  CHECK(f.apply(parse(deployment("300", "s", "10"))).changes() == 0);

  auto text = deployment("300", "s", "10");
  auto at = text.find(R"("tenant": "contoso", "mailbox": "adele@contoso.com")");
  REQUIRE(at != std::string::npos);
  text.replace(at, 51, R"("tenant": "fabrikam", "mailbox": "adele@fabrikam.com")");
  auto report = f.apply(parse(text));
  CHECK(report.lines == std::vector<std::string>{"user u-1001: reassigned"});
  auto user = f.store->get_user("u-1001");
  REQUIRE(user.has_value());
  CHECK(user->tenant == "fabrikam");
  CHECK(user->mailbox == "adele@fabrikam.com");
  CHECK(user->version == stored->version + 1);
}
