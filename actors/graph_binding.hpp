// Ownership: the server (or an embedding host) owns one graph_io and one adapter_port_factory;
// each running tenant owns the adapter port the factory made for it. Threading: graph_io runs
// the shared io_context on its own threads; every Graph and token answer is decoded there and
// handed to the asking actor as a message (see graph_port.hpp).
//
// The edge between the engine (CAF) and adapters/ (CAF-free): adapter statuses become caf::error
// of graph_errc / token_errc here, once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "actors/graph_port.hpp"
#include "adapters/graph_client.hpp"
#include "adapters/token_client.hpp"

namespace m365 {

/// The io_context every tenant's HTTP runs on, with its threads.
class graph_io {
public:
  /// Starts `threads` threads (at least 1). Default: 1 (decoding is cheap next to the store).
  explicit graph_io(size_t threads = 1);
  /// Stops the threads; pending requests complete with transport errors.
  ~graph_io();
  graph_io(const graph_io&) = delete;
  graph_io& operator=(const graph_io&) = delete;

  boost::asio::io_context& context() noexcept { return io_; }

  /// A claim on the io_context by one tenant port; the port holds it until it is destroyed
  /// (which may be on an I/O thread, after its last answer was delivered).
  std::shared_ptr<void> lease();
  /// Waits until every lease is released or `timeout` passed; true when none is left. Call
  /// before destroying the graph_io so no port outlives the io_context it runs on.
  bool wait_released(std::chrono::milliseconds timeout);

private:
  // Declared before io_: a lease released while io_ is destroyed (a pending handler holding a
  // port) still finds them alive.
  std::mutex leases_mutex_;
  std::condition_variable leases_released_;
  size_t leases_ = 0;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

/// Reads a tenant's credential (client secret or certificate) when its port is built; the
/// server opens the sealed blob from the store, the demo takes it from the simulator.
using credential_loader = std::function<expected<client_credential>(const tenant_settings&)>;

struct adapter_port_options {
  http_settings http;        ///< timeouts, pool sizes (ca_file comes from each tenant)
  retry_settings retry;      ///< the engine's request retries: Retry-After, floor, cap, budget
  mailbox_limits mailbox;    ///< 4 concurrent, 10 000 per 10 min per mailbox
  bool with_body = true;     ///< ask Graph for message bodies ($select)
};

/// Builds each tenant's port: parses its endpoints (https, or http to loopback only), loads its
/// credential, and connects the tenant's own transport, token client and Graph client, which
/// logs through the tenant's logger.
class adapter_port_factory : public graph_port_factory {
public:
  adapter_port_factory(std::shared_ptr<graph_io> io, credential_loader credentials,
                       adapter_port_options options = {});

  caf::expected<std::shared_ptr<graph_port>>
  make_port(const tenant_settings& tenant, std::shared_ptr<spdlog::logger> log) override;

private:
  std::shared_ptr<graph_io> io_;
  credential_loader credentials_;
  adapter_port_options options_;
};

} // namespace m365
