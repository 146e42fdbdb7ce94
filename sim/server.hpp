// Ownership: the embedding code owns a `server`; start()/stop() from one thread. Requests run on
// the server's own asio threads (options.threads). CAF-free; usable in-process from tests.
//
// The manifest (`manifest_json()`, `GET /_sim/manifest`, `m365sim --manifest FILE`):
//   {"url":"http://127.0.0.1:PORT",
//    "tenants":[{"slug","directory_id","domain","client_id","client_secret",
//                "authority":"<url>",                  // POST {authority}/{directory_id}/oauth2/v2.0/token
//                "token_endpoint":"<authority>/<directory_id>/oauth2/v2.0/token",
//                "graph":"<url>/v1.0",
//                "certificate_pem","private_key_pem",  // the app's registered certificate + key
//                "users":[{"id","upn","display_name"}]}]}
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "messages/expected.hpp"
#include "sim/options.hpp"

namespace m365::sim {

class world;

class server {
public:
  server();
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Seeds the world, binds, and starts serving. Returns the bound port.
  m365::expected<uint16_t> start(const server_options& options);
  /// Stops accepting, closes connections and joins the threads. Idempotent.
  void stop();

  uint16_t port() const noexcept;
  /// `http://127.0.0.1:PORT` or `https://…`.
  std::string url() const;
  std::string manifest_json() const;
  /// The simulated state (counters, tokens, mailboxes) for in-process tests and benches.
  world& state();

  /// Implementation detail (public only so the connection classes in server.cpp can name it).
  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace m365::sim
