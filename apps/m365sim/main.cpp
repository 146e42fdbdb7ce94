// m365sim: the Microsoft 365 simulator as a standalone process. Prints the URL it listens on,
// optionally writes the manifest, serves until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/server.hpp"

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"m365sim: a protocol-faithful, fault-injecting Microsoft 365 stand-in (identity platform "
               "token endpoint + Graph v1.0 mail and calendar) for tests, demos and benchmarks.\n"
               "Control API under /_sim/ (manifest, counters, faults, mailbox mutations, ground truth)."};
  m365::sim::server_options o;
  std::string listen = "127.0.0.1:0";
  std::string faults_file, manifest_file;
  app.add_option("--listen", listen, "address:port to bind (port 0 = any free port)")->capture_default_str();
  app.add_option("--seed", o.seed, "seed of all generated data and faults")->capture_default_str();
  app.add_option("--tenants", o.tenants, "number of tenants")->capture_default_str()->check(CLI::Range(1u, 10000u));
  app.add_option("--users", o.users, "users (mailboxes) per tenant")->capture_default_str()->check(CLI::Range(1u, 1000000u));
  app.add_option("--messages", o.messages, "seeded messages per mailbox")->capture_default_str();
  app.add_option("--events", o.events, "seeded calendar items per mailbox")->capture_default_str();
  app.add_option("--anchor", o.anchor_time, "unix time that generated dates are relative to (0 = today 00:00 UTC)")
    ->capture_default_str();
  app.add_option("--threads", o.threads, "server threads")->capture_default_str()->check(CLI::Range(1u, 256u));
  app.add_option("--faults", faults_file, "fault profile JSON file (schema: sim/fault_profile.hpp)")->check(CLI::ExistingFile);
  app.add_option("--manifest", manifest_file, "write the manifest JSON (tenants, credentials, users) to this file");
  app.add_option("--tls-cert", o.tls_cert_file, "PEM certificate chain: serve https")->check(CLI::ExistingFile);
  app.add_option("--tls-key", o.tls_key_file, "PEM private key for --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--token-lifetime", o.token_lifetime_s, "access token lifetime in seconds")->capture_default_str();
  app.add_option("--early-grace-ms", o.early_grace_ms,
                 "requests this soon after a Retry-After was issued are not counted as early (already in flight)")
    ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    std::cerr << "m365sim: --tls-cert and --tls-key go together\n";
    return 2;
  }
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "m365sim: --listen must be address:port\n";
    return 2;
  }
  o.host = listen.substr(0, colon);
  if (!o.host.empty() && o.host.front() == '[')
    o.host = o.host.substr(1, o.host.size() - 2);
  try {
    o.port = static_cast<uint16_t>(std::stoul(listen.substr(colon + 1)));
  } catch (...) {
    std::cerr << "m365sim: bad port in --listen\n";
    return 2;
  }
  if (!faults_file.empty() && !read_file(faults_file, o.faults_json)) {
    std::cerr << "m365sim: cannot read " << faults_file << "\n";
    return 2;
  }

  // Block the signals before the server threads start so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  m365::sim::server srv;
  auto port = srv.start(o);
  if (!port) {
    std::cerr << "m365sim: " << port.error().message() << "\n";
    return 1;
  }
  if (!manifest_file.empty()) {
    std::ofstream out(manifest_file, std::ios::trunc);
    out << srv.manifest_json() << "\n";
    if (!out) {
      std::cerr << "m365sim: cannot write " << manifest_file << "\n";
      srv.stop();
      return 1;
    }
  }
  std::cout << "listening on " << srv.url() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  srv.stop();
  return 0;
}
