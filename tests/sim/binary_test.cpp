// The m365sim binary: prints where it listens, writes the manifest, serves, stops on SIGTERM.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/sim/sim_client.hpp"

extern char** environ;

using m365::sim::testing::sim_client;

TEST_CASE("m365sim prints its URL, writes the manifest and exits cleanly on SIGTERM", "[sim][binary]") {
  char manifest_path[] = "/tmp/m365sim_manifest_XXXXXX";
  int fd = mkstemp(manifest_path);
  REQUIRE(fd >= 0);
  close(fd);
  int out[2];
  REQUIRE(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string bin = M365SIM_BINARY;
  std::vector<std::string> args{bin, "--listen", "127.0.0.1:0", "--seed", "3", "--tenants", "3", "--users", "2",
                                "--messages", "15", "--events", "4", "--manifest", manifest_path};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);

  // The first line tells where it listens (the manifest is written before it).
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n')
    line.push_back(c);
  close(out[0]);
  REQUIRE(line.rfind("listening on http://127.0.0.1:", 0) == 0);
  std::string url = line.substr(std::string("listening on ").size());
  uint16_t port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));

  std::ifstream in(manifest_path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto manifest = boost::json::parse(ss.str()).as_object();
  CHECK(manifest.at("url").as_string() == url);
  auto& tenants = manifest.at("tenants").as_array();
  REQUIRE(tenants.size() == 3);
  auto& t = tenants.at(0).as_object();
  CHECK(t.at("graph").as_string() == url + "/v1.0");
  CHECK(t.at("authority").as_string() == url);
  CHECK(t.at("users").as_array().size() == 2);
  CHECK(std::string(t.at("certificate_pem").as_string()).rfind("-----BEGIN CERTIFICATE-----", 0) == 0);

  sim_client client("127.0.0.1", port);
  std::string form = "grant_type=client_credentials&client_id=" + std::string(t.at("client_id").as_string()) +
                     "&client_secret=" + std::string(t.at("client_secret").as_string()) +
                     "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
  auto tok = client.request("POST", "/" + std::string(t.at("directory_id").as_string()) + "/oauth2/v2.0/token", form);
  CHECK(tok.status == 200);

  REQUIRE(kill(pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::remove(manifest_path);
}
