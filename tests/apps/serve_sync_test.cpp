// `m365sync serve` as a whole: a config pointing at a Graph simulator (in this process, on
// loopback) is applied, the engine syncs at start with the sealed credential from the store, and
// after SIGTERM the store holds exactly the simulator's mail minus what the rules exclude.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <set>

#include <boost/json.hpp>

#include "sim/control_api.hpp"
#include "sim/server.hpp"
#include "tests/apps/child_process.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using namespace std::chrono_literals;
using m365::testing::child_process;
using m365::testing::run_to_end;
using m365::test::temp_directory;
namespace json = boost::json;

namespace {

const std::string binary = M365SYNC_BINARY;

std::string text(const json::value& v) {
  return std::string(v.as_string());
}

/// (user, internetMessageId) of every exported email.
std::set<std::pair<std::string, std::string>> exported_emails(const temp_directory& dir) {
  auto out_file = dir.file("emails.jsonl");
  auto run = run_to_end({binary, "export", "-d", dir.file("data"), "--kind", "email", "-o",
                         out_file});
  std::set<std::pair<std::string, std::string>> out;
  if (run.exit_code != 0) return out;
  std::ifstream in{out_file};
  std::string line;
  while (std::getline(in, line)) {
    auto o = json::parse(line).as_object();
    out.emplace(text(o.at("user")), text(o.at("internet_message_id")));
  }
  return out;
}

/// Serves a config for the simulator's one tenant (credential: client secret, or the tenant
/// app's certificate and key) and checks that the store ends up with the simulator's mail.
void serve_and_compare(bool certificate) {
  sim::server graph;
  sim::server_options options;
  options.tenants = 1;
  options.users = 2;
  options.messages = 80;
  options.events = 10;
  REQUIRE(graph.start(options).has_value());
  auto manifest = json::parse(graph.manifest_json());
  auto& t = manifest.at("tenants").at(0).as_object();
  const auto secret = text(t.at("client_secret"));

  // The truth: inbox and sentitems of every mailbox, newsletters excluded by the config's rule.
  sim::control_api control{graph.state()};
  std::set<std::pair<std::string, std::string>> expected;
  json::array users;
  int n = 0;
  for (auto& u : t.at("users").as_array()) {
    auto upn = text(u.at("upn"));
    auto user = "u-" + std::to_string(++n);
    users.push_back(json::object{{"id", user}, {"tenant", t.at("slug")}, {"mailbox", upn}});
    sim::http_request req{boost::beast::http::verb::get, "/_sim/mailboxes/" + upn + "/truth", 11};
    auto truth = json::parse(control.handle(req).body);
    for (auto& m : truth.at("messages").as_array()) {
      auto folder = text(m.at("folder"));
      if ((folder == "inbox" || folder == "sentitems")
          && text(m.at("subject")).find("Newsletter") == std::string::npos)
        expected.emplace(user, text(m.at("internet_message_id")));
    }
  }
  REQUIRE(expected.size() > 50);

  temp_directory dir;
  json::object credential{{"client_id", t.at("client_id")}};
  if (certificate) {
    credential["certificate_file"] =
      dir.write("app-cert.pem", text(t.at("certificate_pem")));
    auto key_file = dir.write("app-key.pem", text(t.at("private_key_pem")));
    ::chmod(key_file.c_str(), 0600);
    credential["private_key_file"] = key_file;
  } else {
    credential["client_secret"] = secret;
  }
  json::object config{
    {"data_dir", "data"},
    {"log", json::object{{"level", "info"}, {"format", "text"}}},
    {"tenants",
     json::array{json::object{
       {"id", t.at("slug")},
       {"directory_id", t.at("directory_id")},
       {"authority", t.at("authority")},
       {"graph", t.at("graph")},
       {"credential", credential},
       {"internal_domains", json::array{t.at("domain")}},
       {"schedule", json::object{{"email_interval_s", 3600}, {"calendar_interval_s", 3600}}}}}},
    {"users", users},
    {"rules", json::array{json::object{{"id", "no-newsletters"},
                                       {"level", "org"},
                                       {"applies_to", "email"},
                                       {"action", "exclude"},
                                       {"match", json::object{{"subject_contains", "Newsletter"}}}}}}};
  auto config_path = dir.write("m365sync.jsonc", json::serialize(config));
  ::chmod(config_path.c_str(), 0600);

  child_process serve{{binary, "serve", "--config", config_path}};
  bool ready = serve.wait_for_output(" ready: 1 tenants, 2 users, 1 rules", 60s);
  INFO(serve.output());
  REQUIRE(ready);
  // Bounded polling of the condition through the read-only export (what an operator would do
  // while the server runs): the first round at start brings every expected message.
  auto deadline = std::chrono::steady_clock::now() + 90s;
  std::set<std::pair<std::string, std::string>> seen;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = exported_emails(dir);
    if (seen.size() >= expected.size()) break;
  }
  CHECK(seen.size() == expected.size());
  serve.send_signal(SIGTERM);
  CHECK(serve.wait_for_exit(60s) == 0);
  CHECK(serve.output().find("stopped cleanly") != std::string::npos);
  CHECK(serve.output().find(secret) == std::string::npos);
  // After the stop (everything flushed), exactly the truth.
  CHECK(exported_emails(dir) == expected);
  graph.stop();
}

} // namespace

TEST_CASE("serve syncs a tenant with a client secret from a Graph simulator into the store and "
          "keeps it after SIGTERM", "[apps][serve][sim]") {
  serve_and_compare(false);
}

TEST_CASE("serve syncs a tenant with a certificate credential (JWT client assertion)",
          "[apps][serve][sim]") {
  serve_and_compare(true);
}

TEST_CASE("check-config rejects a rule whose match the rules library refuses",
          "[apps][serve][rules]") {
  temp_directory dir;
  auto path = dir.write("bad-rule.jsonc", R"({
    "data_dir": "data",
    "rules": [{"id": "r1", "level": "org", "applies_to": "email", "action": "exclude",
               "match": {"any": [{"subject_regex": "(unclosed"}]}}]
  })");
  auto result = run_to_end({binary, "check-config", "--config", path});
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("rules[0].match") != std::string::npos);
  CHECK(result.output.find("any[0].subject_regex: invalid regex") != std::string::npos);
}
