// Ownership: one per test case; owns an in-process simulator on loopback and hands out clients
// and tokens. Not thread-safe except `client()` (each call makes a new connection object).
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "sim/server.hpp"
#include "sim/world.hpp"
#include "tests/sim/sim_client.hpp"

namespace m365::sim::testing {

class sim_harness {
public:
  /// Starts a simulator (2 tenants x 3 users, 40 messages, 12 events, no tenant certificates
  /// unless changed).
  explicit sim_harness(server_options options = defaults());
  static server_options defaults();

  server& srv() { return server_; }
  world& state() { return server_.state(); }
  sim_client& http() { return *client_; }
  std::unique_ptr<sim_client> client() const;
  const boost::json::object& manifest() const { return manifest_; }
  const boost::json::object& tenant(size_t i) const;
  std::string user_upn(size_t tenant, size_t user) const;
  std::string graph() const { return server_.url() + "/v1.0"; }

  /// A token from the token endpoint (client secret) for tenant i.
  std::string token(size_t tenant);
  /// `{"Authorization","Bearer …"}` plus an optional Prefer header.
  std::vector<std::pair<std::string, std::string>> auth(const std::string& token, const std::string& prefer = {}) const;

  /// Follows a message or calendar delta from `url` to the deltaLink; collects every value item.
  struct walk_result {
    std::vector<boost::json::object> items;
    std::string delta_link;
    int pages = 0;
    unsigned failed_status = 0;
    std::string failed_body;
  };
  walk_result walk(const std::string& url, const std::string& token, const std::string& prefer);

  /// Control API call; returns the parsed body (or null) and the status.
  std::pair<unsigned, boost::json::value> control(const std::string& method, const std::string& path,
                                                  const std::string& body = {});

private:
  server server_;
  std::unique_ptr<sim_client> client_;
  boost::json::object manifest_;
};

} // namespace m365::sim::testing
