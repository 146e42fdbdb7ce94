// An operator edits the config by hand: a good file must load with its documented defaults, and
// a bad one must be refused as a whole with every problem named by its path, secrets unquoted.
#include <catch2/catch.hpp>

#include <algorithm>

#include <filesystem>

#include "config/config_loader.hpp"
#include "config/small_file.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

namespace {

/// A minimal valid tenant object; `extra` is spliced in as additional members.
std::string tenant_json(const std::string& id, const std::string& extra = "") {
  return R"({"id": ")" + id + R"(", "directory_id": ")" + id + R"(.onmicrosoft.com",
             "credential": {"client_id": "app-)" + id + R"(", "client_secret": "not-a-real-secret"})"
         + (extra.empty() ? "" : ", " + extra) + "}";
}

std::string document(const std::string& tenants, const std::string& users = "",
                     const std::string& rules = "", const std::string& extra = "") {
  return R"({"data_dir": "/var/lib/m365sync", "tenants": [)" + tenants + R"(], "users": [)"
         + users + R"(], "rules": [)" + rules + "]" + (extra.empty() ? "" : ", " + extra) + "}";
}

/// The problem lines of a failed load (the headline stripped).
std::vector<std::string> problems_of(const expected<config>& cfg) {
  REQUIRE_FALSE(cfg.has_value());
  CHECK(cfg.error().code() == status_code::invalid_argument);
  std::vector<std::string> lines;
  const auto& message = cfg.error().message();
  size_t start = message.find('\n');
  while (start != std::string::npos) {
    size_t end = message.find('\n', start + 1);
    lines.push_back(message.substr(start + 3, end == std::string::npos ? end : end - start - 3));
    start = end;
  }
  return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& expected_line) {
  return std::find(lines.begin(), lines.end(), expected_line) != lines.end();
}

} // namespace

TEST_CASE("a commented config file with trailing commas loads with documented defaults",
          "[config][loader]") {
  temp_directory dir;
  dir.write("contoso.secret", "s3cret-from-file\n");
  auto path = dir.write("m365sync.jsonc", R"(
    // m365sync test deployment
    {
      "data_dir": "data",                       // relative: resolved against this file's folder
      "listen": "[::1]:9000",
      "log": {"level": "debug", "format": "json"},
      /* two tenants, the second with every default */
      "tenants": [{
        "id": "contoso",
        "display_name": "Main office",
        "directory_id": "contoso.onmicrosoft.com",
        "authority": "http://127.0.0.1:8443/",
        "graph": "https://graph.microsoft.com/v1.0",
        "ca_file": null,
        "credential": {"client_id": "c1", "client_secret_file": "contoso.secret"},
        "internal_domains": ["Contoso.COM"],
        "folders": ["inbox"],
        "schedule": {"email_interval_s": 60, "calendar_interval_s": 120},
        "calendar_window": {"past_days": 7, "future_days": 30},
        "enabled": false,
      },
      {"id": "fabrikam", "directory_id": "00000000-0000-0000-0000-000000000001"},
      ],
      "users": [{"id": "u-1001", "tenant": "contoso", "mailbox": "adele@contoso.com"}],
      "rules": [
        {"id": "no-newsletters", "level": "org", "applies_to": "email", "action": "exclude",
         "priority": 10, "match": {"any": [{"subject_contains": "Newsletter"},
                                            {"sender_domain": ["news.example.com"]}]}},
        {"id": "keep-client-news", "level": "user", "scope": "u-1001", "applies_to": "email",
         "action": "include", "note": "asked by Adele",
         "match": { "all" : [ {"subject_contains": "Newsletter"} ] }},
      ],
    }
  )");
  auto cfg = load_config(path);
  REQUIRE(cfg.has_value());
  CHECK(cfg->source == path);
  CHECK(cfg->server.data_dir == dir.file("data"));
  CHECK(cfg->server.listen_host == "::1");
  CHECK(cfg->server.listen_port == 9000);
  CHECK(cfg->server.master_key_file == dir.file("data") + "/master.key");
  CHECK(cfg->server.admin_key_file == dir.file("data") + "/admin.key");
  CHECK(cfg->server.log.level == log_verbosity::debug);
  CHECK(cfg->server.log.format == log_format::json);
  CHECK(cfg->server.threads == 0);
  REQUIRE(cfg->tenants.size() == 2);
  const auto& contoso = cfg->tenants[0];
  CHECK(contoso.settings.display_name == "Main office");
  CHECK(contoso.settings.authority == "http://127.0.0.1:8443");  // trailing slash dropped
  CHECK(contoso.settings.client_id == "c1");
  CHECK(contoso.settings.credential == credential_kind::client_secret);
  CHECK(contoso.credential.client_secret == "s3cret-from-file");  // newline of the file dropped
  CHECK(contoso.settings.internal_domains == std::vector<std::string>{"contoso.com"});
  CHECK(contoso.settings.folders == std::vector<std::string>{"inbox"});
  CHECK(contoso.settings.email_interval_s == 60);
  CHECK(contoso.settings.calendar_interval_s == 120);
  CHECK(contoso.settings.calendar_past_days == 7);
  CHECK(contoso.settings.calendar_future_days == 30);
  CHECK_FALSE(contoso.settings.enabled);
  const auto& fabrikam = cfg->tenants[1];
  CHECK(fabrikam.settings.display_name == "fabrikam");
  CHECK(fabrikam.settings.authority == "https://login.microsoftonline.com");
  CHECK(fabrikam.settings.graph == "https://graph.microsoft.com/v1.0");
  CHECK(fabrikam.settings.credential == credential_kind::none);
  CHECK(fabrikam.settings.folders == std::vector<std::string>{"inbox", "sentitems"});
  CHECK(fabrikam.settings.email_interval_s == 300);
  CHECK(fabrikam.settings.enabled);
  REQUIRE(cfg->users.size() == 1);
  CHECK(cfg->users[0].mailbox == "adele@contoso.com");
  REQUIRE(cfg->rules.size() == 2);
  CHECK(cfg->rules[0].level == rule_level::org);
  CHECK(cfg->rules[0].priority == 10);
  CHECK(cfg->rules[0].match
        == R"({"any":[{"subject_contains":"Newsletter"},{"sender_domain":["news.example.com"]}]})");
  CHECK(cfg->rules[1].level == rule_level::user);
  CHECK(cfg->rules[1].scope == "u-1001");
  CHECK(cfg->rules[1].action == rule_action::include);
  CHECK(cfg->rules[1].priority == 100);
  CHECK(cfg->rules[1].enabled);
  CHECK(cfg->rules[1].note == "asked by Adele");
  CHECK(cfg->rules[1].match == R"({"all":[{"subject_contains":"Newsletter"}]})");
}

TEST_CASE("every problem of a config file is reported at once, each named by its path",
          "[config][loader]") {
  auto text = document(
    tenant_json("contoso") + ", "
      + tenant_json("fabrikam", R"("schedule": {"email_interval_s": 0}, "enabled": "yes")") + ", "
      + tenant_json("contoso") + ", " + tenant_json("Bad_Id"),
    R"({"id": "u-1", "tenant": "northwind", "mailbox": "a@northwind.com"})",
    R"({"id": "r1", "level": "tenant", "applies_to": "mail", "action": "exclude",
        "priority": 1.5, "match": {"subject_contains": "x"}})",
    R"("threads": -1)");
  auto cfg = parse_config(text, "/etc/m365sync", "test.jsonc");
  auto lines = problems_of(cfg);
  INFO(cfg.error().message());
  CHECK(cfg.error().message().rfind("test.jsonc: ", 0) == 0);
  CHECK(has_line(lines, "tenants[1].schedule.email_interval_s: must be an integer >= 1 (got 0)"));
  CHECK(has_line(lines, "tenants[1].enabled: must be true or false (got a string)"));
  CHECK(has_line(lines, "tenants[2].id: duplicate tenant id 'contoso' (first declared at "
                        "tenants[0])"));
  CHECK(has_line(lines, "tenants[3].id: must be 1 to 63 characters of a-z, 0-9 and '-', not "
                        "starting with '-' (got 'Bad_Id')"));
  CHECK(has_line(lines, "users[0].tenant: refers to undeclared tenant 'northwind' (declare it "
                        "in tenants[])"));
  CHECK(has_line(lines, "rules[0].scope: is required for a tenant rule (the tenant id it "
                        "applies to)"));
  CHECK(has_line(lines, "rules[0].applies_to: must be one of email, event, both (got 'mail')"));
  CHECK(has_line(lines, "rules[0].priority: must be an integer between -2147483648 and "
                        "2147483647 (got 1.5)"));
  CHECK(has_line(lines, "threads: must be an integer >= 0 and <= 1024 (got -1)"));
  CHECK(lines.size() == 9);
  CHECK(cfg.error().message().find("9 problems") != std::string::npos);
}

TEST_CASE("unknown keys are refused and a near miss is suggested", "[config][loader]") {
  auto text = document(tenant_json("contoso", R"("schedule": {"email_intervall_s": 5})"), "", "",
                       R"("dataa_dir": "/x", "log": {"levle": "info"})");
  auto lines = problems_of(parse_config(text, "/etc", "test"));
  CHECK(has_line(lines, "tenants[0].schedule.email_intervall_s: unknown key (did you mean "
                        "'email_interval_s'?)"));
  CHECK(has_line(lines, "log.levle: unknown key (did you mean 'level'?)"));
  CHECK(has_line(lines, "dataa_dir: unknown key (did you mean 'data_dir'?)"));
  CHECK(lines.size() == 3);
}

TEST_CASE("wrong types are refused without quoting the value", "[config][loader]") {
  auto text = document(
    R"({"id": "contoso", "directory_id": 42, "folders": "inbox", "internal_domains": [1],
        "credential": {"client_id": "c", "client_secret": ["hunter2-secret"]}})");
  auto cfg = parse_config(text, "/etc", "test");
  auto lines = problems_of(cfg);
  CHECK(has_line(lines, "tenants[0].directory_id: must be a string (got an integer)"));
  CHECK(has_line(lines, "tenants[0].folders: must be a list of strings (got a string)"));
  CHECK(has_line(lines, "tenants[0].internal_domains[0]: must be a string (got an integer)"));
  CHECK(has_line(lines, "tenants[0].credential.client_secret: must be a string (got a list)"));
  CHECK(cfg.error().message().find("hunter2") == std::string::npos);
}

TEST_CASE("a secret's value never appears in an error", "[config][loader][secrets]") {
  temp_directory dir;
  auto secret_file = dir.write("s.secret", "file-secret-value-123\n");
  std::string secret = "inline-secret-value-456";
  auto text = document(
    R"({"id": "contoso", "directory_id": "d", "credential": {"client_id": "c",
        "client_secret": ")" + secret + R"(", "client_secret_file": ")" + secret_file
      + R"(", "certificate_file": ")" + secret_file + R"("}},
       {"id": "fabrikam", "directory_id": "d", "credential": {"client_id": "c",
        "certificate_file": ")" + secret_file + R"(", "private_key_file": ")" + secret_file
      + R"("}})");
  auto cfg = parse_config(text, dir.path(), "test");
  auto lines = problems_of(cfg);
  INFO(cfg.error().message());
  CHECK(has_line(lines, "tenants[0].credential: give only one of client_secret, "
                        "client_secret_file, or certificate_file with private_key_file"));
  CHECK(has_line(lines, "tenants[0].credential.private_key_file: is required with "
                        "certificate_file"));
  CHECK(has_line(lines, "tenants[1].credential: certificate_file does not hold a PEM "
                        "certificate"));
  CHECK(cfg.error().message().find(secret) == std::string::npos);
  CHECK(cfg.error().message().find("file-secret-value") == std::string::npos);
}

TEST_CASE("a credential needs exactly one form of secret; null counts as absent",
          "[config][loader]") {
  auto lines = problems_of(parse_config(document(R"({"id": "contoso", "directory_id": "d",
        "credential": {"client_id": "c", "client_secret": null}})"), "/", "test"));
  CHECK(lines == std::vector<std::string>{"tenants[0].credential: needs client_secret, "
                                          "client_secret_file, or certificate_file with "
                                          "private_key_file"});
}

TEST_CASE("credential files that cannot be read fail the load, naming the file",
          "[config][loader]") {
  temp_directory dir;
  auto text = document(R"({"id": "contoso", "directory_id": "d", "credential": {"client_id": "c",
        "client_secret_file": "missing.secret"}})");
  auto lines = problems_of(parse_config(text, dir.path(), "test"));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "tenants[0].credential.client_secret_file: cannot read '"
                      + dir.file("missing.secret") + "': No such file or directory");
}

TEST_CASE("plain http endpoints are accepted only for loopback hosts", "[config][loader]") {
  auto with_graph = [](const std::string& url) {
    return parse_config(document(tenant_json("contoso", R"("graph": ")" + url + R"(")")), "/etc",
                        "test");
  };
  for (const char* ok : {"https://graph.microsoft.com/v1.0", "https://graph.microsoft.us/v1.0",
                         "http://127.0.0.1:9443/v1.0", "http://127.8.9.10/v1.0",
                         "http://localhost:8080", "http://LOCALHOST", "http://[::1]:8080/v1.0",
                         "https://10.0.0.1"}) {
    INFO(ok);
    CHECK(with_graph(ok).has_value());
  }
  for (const char* bad : {"http://graph.microsoft.com/v1.0", "http://10.0.0.1/v1.0",
                          "http://128.0.0.1", "http://[::2]/", "http://localhost.evil.com",
                          "ftp://127.0.0.1", "graph.microsoft.com/v1.0", "/v1.0",
                          "https://user:pw@graph.microsoft.com", "https://graph.microsoft.com?x=1"}) {
    INFO(bad);
    auto lines = problems_of(with_graph(bad));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind("tenants[0].graph: must ", 0) == 0);
    CHECK(lines[0].find(":pw@") == std::string::npos);
  }
  auto lines = problems_of(with_graph("http://graph.microsoft.com/v1.0"));
  CHECK(lines[0] == "tenants[0].graph: must be an https:// URL; plain http:// is accepted only "
                    "for loopback hosts (127.0.0.0/8, ::1, localhost) (got "
                    "'http://graph.microsoft.com/v1.0')");
}

TEST_CASE("ca_file must name an existing file", "[config][loader]") {
  temp_directory dir;
  dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  CHECK(parse_config(document(tenant_json("contoso", R"("ca_file": "ca.pem")")), dir.path(), "t")
          .has_value());
  auto lines = problems_of(
    parse_config(document(tenant_json("contoso", R"("ca_file": "nope.pem")")), dir.path(), "t"));
  CHECK(has_line(lines, "tenants[0].ca_file: '" + dir.file("nope.pem")
                          + "' does not exist or is not a regular file"));
}

TEST_CASE("rule envelopes are validated and scopes must refer to declared ids",
          "[config][loader][rules]") {
  auto users = R"({"id": "u-1", "tenant": "contoso", "mailbox": "a@contoso.com"},
                  {"id": "u-2", "tenant": "contoso", "mailbox": "A@contoso.com"})";
  auto rules = R"(
    {"id": "org-scoped", "level": "org", "scope": "contoso", "applies_to": "both",
     "action": "exclude", "match": {"importance": "low"}},
    {"id": "t1", "level": "tenant", "scope": "fabrikam", "applies_to": "event",
     "action": "exclude", "match": {"sensitivity": ["private"]}},
    {"id": "u1", "level": "user", "scope": "u-9", "applies_to": "email", "action": "drop",
     "enabled": 1, "note": 5, "match": {}},
    {"id": "t1", "level": "planet", "applies_to": "email", "action": "include",
     "match": "subject"},
    {"id": "bad id/with slash", "level": "org", "applies_to": "email", "action": "include"})";
  auto lines = problems_of(parse_config(document(tenant_json("contoso"), users, rules), "/", "t"));
  CHECK(has_line(lines, "users[1].mailbox: mailbox 'A@contoso.com' of tenant 'contoso' is already "
                        "assigned to users[0] (one mailbox, one user)"));
  CHECK(has_line(lines, "rules[0].scope: org rules have no scope (got 'contoso')"));
  CHECK(has_line(lines, "rules[1].scope: tenant 'fabrikam' does not exist"));
  CHECK(has_line(lines, "rules[2].scope: user 'u-9' does not exist"));
  CHECK(has_line(lines, "rules[2].action: must be one of exclude, include (got 'drop')"));
  CHECK(has_line(lines, "rules[2].enabled: must be true or false (got an integer)"));
  CHECK(has_line(lines, "rules[2].note: must be a string (got an integer)"));
  CHECK(has_line(lines, "rules[2].match: empty predicate (write {\"all\": []} to match every "
                        "item)"));
  CHECK(has_line(lines, "rules[3].level: must be one of org, tenant, user (got 'planet')"));
  CHECK(has_line(lines, "rules[3].match: must be a predicate object (got a string)"));
  CHECK(has_line(lines, "rules[3].id: duplicate rule id 't1' (first declared at rules[1])"));
  CHECK(has_line(lines, "rules[4].id: 'bad id/with slash' must be 1..128 characters of letters, "
                        "digits, '_', '.', '-'"));
  CHECK(has_line(lines, "rules[4].match: is required"));
  CHECK(lines.size() == 13);
}

TEST_CASE("match problems and applies_to mistakes get the rule's path",
          "[config][loader][rules]") {
  auto rules = R"({"id": "a", "level": "org", "applies_to": "email", "action": "exclude",
                   "match": { "subject_contains" : "x" }},
                  {"id": "b", "level": "org", "applies_to": "email", "action": "exclude",
                   "match": {"any": [{"subjct": "x"}]}},
                  {"id": "c", "level": "org", "applies_to": "email", "action": "exclude",
                   "match": {"any": [{"show_as": "oof"}, {"subject_regex": "(x"}]}},
                  {"id": "d", "level": "org", "applies_to": "email", "action": "exclude",
                   "match": {"all": [{"show_as": "oof"}, {"folder": "inbox"}]}})";
  auto lines = problems_of(parse_config(document("", "", rules), "/", "t"));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("rules[1].match.any[0].subjct: unknown predicate key 'subjct' (valid keys: ",
                       0) == 0);
  CHECK(lines[1] == "rules[2].match.any[1].subject_regex: invalid regex: missing ): (x");
  CHECK(lines[2] == "rules[3].match.all[0].show_as: only events carry show_as, but the rule "
                    "applies_to email (the leaf could never be true)");
  auto cfg = parse_config(document("", "", R"({"id": "a", "level": "org", "action": "exclude",
                                               "match": { "subject_contains" : "x" }})"),
                          "/", "t");
  REQUIRE(cfg.has_value());
  CHECK(cfg->rules[0].match == R"({"subject_contains":"x"})");
  CHECK(cfg->rules[0].applies_to == rule_target::both);  // the documented default
}

TEST_CASE("a user rule pinned to a tenant must name the user's declared tenant",
          "[config][loader][rules]") {
  auto users = R"({"id": "u-1", "tenant": "contoso", "mailbox": "a@contoso.com"})";
  auto rule_for = [](const std::string& scope) {
    return R"({"id": "keep", "level": "user", "scope": ")" + scope
           + R"(", "action": "include", "match": {"subject_contains": "x"}})";
  };
  CHECK(parse_config(document(tenant_json("contoso"), users, rule_for("contoso/u-1")), "/", "t")
          .has_value());
  auto lines = problems_of(parse_config(
    document(tenant_json("contoso") + "," + tenant_json("fabrikam"), users,
             rule_for("fabrikam/u-1")),
    "/", "t"));
  CHECK(lines == std::vector<std::string>{
                   "rules[0].scope: user 'u-1' belongs to tenant 'contoso', not 'fabrikam'"});
}

TEST_CASE("a JSON syntax error names the line and column", "[config][loader]") {
  auto cfg = parse_config("{\n  \"data_dir\": \"/x\",\n  \"listen\" \"127.0.0.1:1\"\n}", "/", "f");
  auto lines = problems_of(cfg);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("invalid JSON at line 3, column 12: ", 0) == 0);
  CHECK_FALSE(parse_config("[1, 2]", "/", "f").has_value());
  CHECK_FALSE(parse_config("{} {}", "/", "f").has_value());
}

TEST_CASE("listen must be host:port", "[config][loader]") {
  for (const char* bad : {"8700", "localhost", "127.0.0.1:0", "127.0.0.1:65536", ":8700",
                          "::1:8700", "[::1]8700"}) {
    INFO(bad);
    auto lines = problems_of(parse_config(document("", "", "", std::string{R"("listen": ")"} + bad
                                                                  + "\""),
                                          "/", "f"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind("listen: must be host:port", 0) == 0);
  }
  auto cfg = parse_config(document("", "", "", R"("listen": "0.0.0.0:443")"), "/", "f");
  REQUIRE(cfg.has_value());
  CHECK(cfg->server.listen_host == "0.0.0.0");
  CHECK(cfg->server.listen_port == 443);
}

TEST_CASE("data_dir is required and a missing file is reported", "[config][loader]") {
  auto lines = problems_of(parse_config("{}", "/", "f"));
  CHECK(lines == std::vector<std::string>{"data_dir: is required"});
  auto missing = load_config("/nonexistent/m365sync.jsonc");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == status_code::not_found);
  CHECK(missing.error().message().find("/nonexistent/m365sync.jsonc") != std::string::npos);
}

TEST_CASE("a key given twice in one object is refused, with its path", "[config][loader]") {
  auto text = R"({"data_dir": "/a", "tenants": [
      {"id": "contoso", "directory_id": "d"},
      {"id": "fabrikam", "directory_id": "d", "enabled": true,
       "schedule": {"email_interval_s": 5, "email_interval_s": 6}, "enabled": false}],
    "data_dir": "/b"})";
  auto lines = problems_of(parse_config(text, "/", "f"));
  CHECK(lines == std::vector<std::string>{
                   "tenants[1].schedule.email_interval_s: duplicate key (only the last value "
                   "would count)",
                   "tenants[1].enabled: duplicate key (only the last value would count)",
                   "data_dir: duplicate key (only the last value would count)"});
}

TEST_CASE("the example config shipped in config/ loads", "[config][loader][example]") {
  temp_directory dir;
  auto example = read_small_file(M365_SOURCE_DIR "/config/m365sync.example.jsonc", 1 << 20);
  REQUIRE(example.has_value());
  std::filesystem::create_directories(dir.file("secrets"));
  dir.write("secrets/contoso.secret", "example-secret\n");
  auto cfg = parse_config(*example, dir.path(), "m365sync.example.jsonc");
  INFO((cfg ? std::string{} : cfg.error().message()));
  REQUIRE(cfg.has_value());
  CHECK(cfg->tenants.size() == 1);
  CHECK(cfg->tenants[0].credential.client_secret == "example-secret");
  CHECK(cfg->users.size() == 1);
  CHECK(cfg->rules.size() == 2);
  CHECK(cfg->server.master_key_file == "/etc/m365sync/master.key");
}
