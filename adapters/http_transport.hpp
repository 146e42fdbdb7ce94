// Ownership: one transport per tenant (its TLS trust settings are the tenant's), shared by that
// tenant's graph client and token client. Runs on a strand of the caller's io_context: send()
// must be called on executor(); callbacks run there too.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/graph_endpoint.hpp"
#include "adapters/http_types.hpp"
#include "messages/expected.hpp"

namespace m365 {

class http_connection;

/// Transport limits and trust. Every field has a documented default.
struct http_settings {
  /// Time to resolve, connect and finish the TLS handshake. Default: 10 s.
  std::chrono::milliseconds connect_timeout{10000};
  /// Time for one whole exchange (connect, send, read the full body). Default: 60 s.
  std::chrono::milliseconds request_timeout{60000};
  /// Connections per host:port (in use plus idle); more requests wait. Default: 64.
  size_t max_connections_per_host = 64;
  /// Idle keep-alive connections kept per host:port. Default: 16.
  size_t max_idle_per_host = 16;
  /// Largest response body accepted. Default: 64 MiB.
  size_t max_body_bytes = 64u << 20;
  /// Extra PEM CA bundle trusted besides the system store (per tenant). Default: none.
  std::string ca_file;
};

class http_transport : public std::enable_shared_from_this<http_transport> {
public:
  using executor_type = boost::asio::strand<boost::asio::io_context::executor_type>;
  using callback = std::function<void(http_reply)>;

  /// Builds the TLS context: system CAs, `ca_file` if set, peer and hostname verification on.
  static expected<std::shared_ptr<http_transport>> create(boost::asio::io_context& io,
                                                          http_settings settings);

  executor_type executor() const { return strand_; }
  const http_settings& settings() const noexcept { return settings_; }

  /// Sends `req` to `peer` on a pooled connection (call on executor()). A reused connection
  /// that the server had closed while idle is replaced once, transparently.
  void send(const graph_endpoint& peer, http_request_spec req, callback done);

  /// Closes idle connections (on executor()); in-flight exchanges finish normally.
  void close_idle();

  struct counters {
    uint64_t connections_opened = 0;
    uint64_t exchanges = 0;
    uint64_t reused = 0;          ///< exchanges on an already open connection
    uint64_t padding_copies = 0;  ///< bodies copied to gain padding (no Content-Length)
    uint64_t stale_retries = 0;   ///< idle connections found closed and replaced
  };
  /// Snapshot (call on executor()).
  counters stats() const { return counters_; }

  explicit http_transport(boost::asio::io_context& io, http_settings settings);

private:
  struct waiting {
    graph_endpoint peer;
    std::shared_ptr<const http_request_spec> req;
    callback done;
  };
  struct host_pool {
    std::vector<std::shared_ptr<http_connection>> idle;
    size_t active = 0;
    std::deque<waiting> queue;
  };

  void dispatch(const graph_endpoint& peer, std::shared_ptr<const http_request_spec> req,
                callback done, bool allow_stale_retry);
  void run(host_pool& pool, std::shared_ptr<http_connection> conn, const graph_endpoint& peer,
           std::shared_ptr<const http_request_spec> req, callback done, bool allow_stale_retry);

  executor_type strand_;
  http_settings settings_;
  boost::asio::ssl::context tls_;
  std::unordered_map<std::string, host_pool> pools_;
  counters counters_;
};

} // namespace m365
