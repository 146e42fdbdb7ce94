// The m365sync binary as an operator runs it: serve starts, says "ready", stops cleanly on
// SIGTERM/SIGINT with everything committed; bad configs are refused with every problem listed;
// backup and check-config do what their help says.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>

#include <sys/stat.h>

#include "config/api_key.hpp"
#include "config/secret_box.hpp"
#include "store/lmdb_store.hpp"
#include "tests/apps/child_process.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using namespace std::chrono_literals;
using m365::testing::child_process;
using m365::testing::run_to_end;
using m365::test::temp_directory;

namespace {

const std::string binary = M365SYNC_BINARY;
const std::string secret = "serve-test-secret-value-1234";

std::string write_config(const temp_directory& dir, const std::string& extra = "") {
  return dir.write("m365sync.jsonc", R"({
    // the test deployment
    "data_dir": "data",
    "log": {"level": "info", "format": "text"},
    "threads": 2,)" + extra + R"(
    "tenants": [{"id": "contoso", "directory_id": "contoso.onmicrosoft.com",
                 "graph": "http://127.0.0.1:9/v1.0",
                 "credential": {"client_id": "app-1", "client_secret": ")" + secret + R"("}},
                {"id": "fabrikam", "directory_id": "fabrikam.onmicrosoft.com"}],
    "users": [{"id": "u-1001", "tenant": "contoso", "mailbox": "adele@contoso.com"}],
    "rules": [{"id": "no-newsletters", "level": "org", "applies_to": "email",
               "action": "exclude", "match": {"subject_contains": "Newsletter"}}]
  })");
}

std::unique_ptr<lmdb_store> reopen(const std::string& path) {
  store_options options;
  options.path = path;
  auto store = lmdb_store::open(options);
  INFO((store ? std::string{} : store.error().to_string()));
  REQUIRE(store.has_value());
  return std::move(store).value();
}

/// Runs serve until "ready", stops it with `signal_number`, returns the child's output.
std::string serve_once(const std::string& config_path, int signal_number) {
  child_process serve{{binary, "serve", "--config", config_path}};
  bool ready = serve.wait_for_output(" ready: ", 60s);
  INFO(serve.output());
  REQUIRE(ready);
  serve.send_signal(signal_number);
  CHECK(serve.wait_for_exit(60s) == 0);
  CHECK(serve.output().find("stopped cleanly") != std::string::npos);
  return serve.output();
}

} // namespace

TEST_CASE("serve becomes ready, stops cleanly on SIGTERM and leaves a store that reopens",
          "[apps][serve]") {
  temp_directory dir;
  auto config_path = write_config(dir);
  auto output = serve_once(config_path, SIGTERM);
  INFO(output);
  CHECK(output.find("SIGTERM received") != std::string::npos);
  CHECK(output.find("config applied: 5 changes") != std::string::npos);
  CHECK(output.find("[tenant=contoso] configured: enabled, 1 users") != std::string::npos);
  CHECK(output.find(secret) == std::string::npos);

  struct stat st {};
  REQUIRE(::stat(dir.file("data/master.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.file("data").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  auto store = reopen(dir.file("data/store"));
  CHECK(store->health().is_ok());
  auto tenant = store->get_tenant("contoso");
  REQUIRE(tenant.has_value());
  CHECK(tenant->graph == "http://127.0.0.1:9/v1.0");
  auto sealed = store->get_sealed_credential("contoso");
  REQUIRE(sealed.has_value());
  CHECK(sealed->find(secret) == std::string::npos);
  auto key = load_or_create_master_key(dir.file("data/master.key"));
  REQUIRE(key.has_value());
  CHECK(secret_box{*key}.open("contoso", *sealed).has_value());
  CHECK(store->get_user("u-1001")->tenant == "contoso");
}

TEST_CASE("serving the same config again writes nothing, and SIGINT stops it too",
          "[apps][serve]") {
  temp_directory dir;
  auto config_path = write_config(dir);
  serve_once(config_path, SIGTERM);
  auto output = serve_once(config_path, SIGINT);
  INFO(output);
  CHECK(output.find("SIGINT received") != std::string::npos);
  CHECK(output.find("config applied: 0 changes, 5 records unchanged") != std::string::npos);
}

TEST_CASE("serve refuses a bad config with exit code 2 and lists every problem",
          "[apps][serve]") {
  temp_directory dir;
  auto path = dir.write("bad.jsonc", R"({"data_dir": "data", "lissten": "x",
    "tenants": [{"id": "contoso", "directory_id": "d", "schedule": {"email_interval_s": 0},
                 "credential": {"client_id": "c", "client_secret": 42}}],
    "users": [{"id": "u-1", "tenant": "nope", "mailbox": "m@x.com"}]})");
  auto result = run_to_end({binary, "serve", "--config", path});
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("4 problems") != std::string::npos);
  CHECK(result.output.find("lissten: unknown key (did you mean 'listen'?)") != std::string::npos);
  CHECK(result.output.find("tenants[0].schedule.email_interval_s: must be an integer >= 1 (got 0)")
        != std::string::npos);
  CHECK(result.output.find("tenants[0].credential.client_secret: must be a string (got an "
                           "integer)")
        != std::string::npos);
  CHECK(result.output.find("users[0].tenant: refers to undeclared tenant 'nope'")
        != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("data")));  // nothing was created
}

TEST_CASE("serve refuses a master key that others can read", "[apps][serve]") {
  temp_directory dir;
  auto config_path = write_config(dir, R"( "master_key_file": "master.key",)");
  dir.write("master.key", std::string(64, 'a') + "\n");
  REQUIRE(::chmod(dir.file("master.key").c_str(), 0644) == 0);
  auto result = run_to_end({binary, "serve", "--config", config_path});
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("chmod 600 " + dir.file("master.key")) != std::string::npos);
}

TEST_CASE("check-config prints a summary of a good file and the problems of a bad one",
          "[apps][check-config]") {
  temp_directory dir;
  auto good = run_to_end({binary, "check-config", "--config", write_config(dir)});
  INFO(good.output);
  CHECK(good.exit_code == 0);
  CHECK(good.output.find("tenants: 2") != std::string::npos);
  CHECK(good.output.find("contoso: directory contoso.onmicrosoft.com, credential client secret, "
                         "1 users")
        != std::string::npos);
  CHECK(good.output.find("users: 1") != std::string::npos);
  CHECK(good.output.find("rules: 1 (org 1, tenant 0, user 0; 0 disabled)") != std::string::npos);
  CHECK(good.output.find(secret) == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("data")));
  // The file holds contoso's secret inline: readable by others, it earns a warning.
  REQUIRE(::chmod(dir.file("m365sync.jsonc").c_str(), 0644) == 0);
  auto exposed = run_to_end({binary, "check-config", "--config", dir.file("m365sync.jsonc")});
  CHECK(exposed.exit_code == 0);
  CHECK(exposed.output.find("warning: config file " + dir.file("m365sync.jsonc")
                            + " holds the client secret of contoso and group or others may "
                              "read it")
        != std::string::npos);
  REQUIRE(::chmod(dir.file("m365sync.jsonc").c_str(), 0600) == 0);
  auto protected_file = run_to_end({binary, "check-config", "--config",
                                    dir.file("m365sync.jsonc")});
  CHECK(protected_file.output.find("warning") == std::string::npos);
  auto bad = run_to_end({binary, "check-config", "--config", dir.write("bad.json", "{\"x\": 1")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("invalid JSON at line 1") != std::string::npos);
}

TEST_CASE("backup writes a copy that opens as a store and refuses a non-empty target",
          "[apps][backup]") {
  temp_directory dir;
  serve_once(write_config(dir), SIGTERM);
  auto result = run_to_end({binary, "backup", "--data-dir", dir.file("data"), "--to",
                            dir.file("backup")});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("wrote " + dir.file("backup") + "/data.mdb (") != std::string::npos);
  auto copy = reopen(dir.file("backup"));
  CHECK(copy->get_tenant("contoso").has_value());
  auto again = run_to_end({binary, "backup", "--data-dir", dir.file("data"), "--to",
                           dir.file("backup")});
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("exists and is not empty") != std::string::npos);
  auto missing = run_to_end({binary, "backup", "--data-dir", dir.file("nothing"), "--to",
                             dir.file("b2")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("no store at") != std::string::npos);
}

TEST_CASE("help explains every command and its options", "[apps][help]") {
  auto top = run_to_end({binary, "--help"});
  CHECK(top.exit_code == 0);
  for (const char* command :
       {"serve", "check-config", "backup", "admin-key", "demo", "export", "version"}) {
    INFO(command);
    CHECK(top.output.find(command) != std::string::npos);
  }
  auto serve = run_to_end({binary, "serve", "--help"});
  CHECK(serve.exit_code == 0);
  CHECK(serve.output.find("--config") != std::string::npos);
  CHECK(serve.output.find("SIGTERM") != std::string::npos);
  auto backup = run_to_end({binary, "backup", "--help"});
  CHECK(backup.exit_code == 0);
  CHECK(backup.output.find("--data-dir") != std::string::npos);
  CHECK(backup.output.find("--to") != std::string::npos);
  auto demo = run_to_end({binary, "demo", "--help"});
  for (const char* option : {"--tenants", "--users", "--messages", "--events", "--seed", "--keep",
                             "--quiet"}) {
    INFO(option);
    CHECK(demo.output.find(option) != std::string::npos);
  }
  CHECK(demo.output.find("=1500") != std::string::npos);  // defaults are shown
  auto exporting = run_to_end({binary, "export", "--help"});
  CHECK(exporting.exit_code == 0);
  for (const char* option : {"--data-dir", "--tenant", "--user", "--kind", "--since", "--output"}) {
    INFO(option);
    CHECK(exporting.output.find(option) != std::string::npos);
  }
  auto usage = run_to_end({binary, "serve"});
  CHECK(usage.exit_code == 2);
  CHECK(usage.output.find("--config is required") != std::string::npos);
  auto none = run_to_end({binary});
  CHECK(none.exit_code == 2);
}

TEST_CASE("admin-key prints a key once and stores only its hash", "[apps][admin-key]") {
  temp_directory dir;
  auto config_path = write_config(dir);
  auto result = run_to_end({binary, "admin-key", "--config", config_path});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  auto at = result.output.find("m365_");
  REQUIRE(at != std::string::npos);
  auto token = result.output.substr(at, 48);
  auto stored = read_api_key_hash(dir.file("data/admin.key"));
  REQUIRE(stored.has_value());
  CHECK(api_key_matches(token, *stored));
  CHECK(run_to_end({binary, "admin-key", "--config", config_path}).exit_code == 1);
  CHECK(run_to_end({binary, "admin-key", "--config", config_path, "--replace"}).exit_code == 0);
  CHECK_FALSE(api_key_matches(token, *read_api_key_hash(dir.file("data/admin.key"))));
}

TEST_CASE("demo syncs three simulated tenants end to end, prints a summary and exits 0",
          "[apps][demo]") {
  auto result = run_to_end({binary, "demo", "--users", "3", "--messages", "150", "--events",
                            "15", "--seed", "7"},
                           300s);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("demo passed") != std::string::npos);
  CHECK(result.output.find("FAIL") == std::string::npos);
  for (const char* role : {"main office", "acquired firm", "legacy (migrating)"}) {
    INFO(role);
    CHECK(result.output.find(role) != std::string::npos);
  }
  CHECK(result.output.find("no duplicates") != std::string::npos);
  CHECK(result.output.find("Summary") != std::string::npos);
  // Progress went to stderr as plain lines (not a TTY here).
  CHECK(result.output.find("progress: ") != std::string::npos);
}

TEST_CASE("demo refuses bad options with exit code 2", "[apps][demo]") {
  CHECK(run_to_end({binary, "demo", "--tenants", "1"}).exit_code == 2);
  CHECK(run_to_end({binary, "demo", "--users", "abc"}).exit_code == 2);
}

TEST_CASE("backup works while the server runs", "[apps][backup][serve]") {
  temp_directory dir;
  child_process serve{{binary, "serve", "--config", write_config(dir)}};
  bool ready = serve.wait_for_output(" ready: ", 60s);
  INFO(serve.output());
  REQUIRE(ready);
  auto result = run_to_end({binary, "backup", "--data-dir", dir.file("data"), "--to",
                            dir.file("online-backup")});
  INFO(result.output);
  CHECK(result.exit_code == 0);
  serve.send_signal(SIGTERM);
  CHECK(serve.wait_for_exit(60s) == 0);
  auto copy = reopen(dir.file("online-backup"));
  CHECK(copy->get_user("u-1001").has_value());
}
