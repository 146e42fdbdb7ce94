// Ownership: the host (server, demo, benchmark, an embedding application) owns one sync_engine
// per store; it holds the org supervisor, the persistence actor, the rule evaluator and the Graph
// I/O threads. Threading: start()/stop() from the host's thread; everything else runs in actors.
//
// The one place where the engine is assembled from its parts:
//   store  <- persistence_actor (single writer: pages and rule changes)
//   store  -> rule_evaluator (the rules stored at start; validates, persists through the
//             persistence actor, compiles and sends every new set to the stream actors)
//   graph_io -> adapter_port_factory (per-tenant ports)   org_supervisor(engine_config)
// Rules change only through rules(): a change applies from the next page every mailbox and
// calendar actor decides, with no restart.
// An embedding host with its own caf::actor_system calls m365::register_message_types on its
// config, opens an lmdb_store, and starts a sync_engine on that system.
#pragma once

#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/engine_tuning.hpp"
#include "actors/graph_binding.hpp"
#include "actors/org_supervisor.hpp"
#include "actors/persistence_actor.hpp"
#include "actors/rule_evaluator.hpp"
#include "messages/expected.hpp"

namespace m365 {

class lmdb_store;

struct sync_engine_options {
  std::shared_ptr<lmdb_store> store;        ///< required; opened by the host
  std::vector<tenant_settings> tenants;
  std::vector<user_assignment> users;
  credential_loader credentials;            ///< required: each tenant's secret or certificate
  adapter_port_options graph;               ///< HTTP, request retries, per-mailbox limits
  size_t io_threads = 1;                    ///< Graph I/O and decoding threads. Default: 1
  persistence_options persistence;
  /// Tenant loggers; null: clones of spdlog's default logger named "tenant:<id>".
  std::function<std::shared_ptr<spdlog::logger>(const tenant_id&)> make_logger;
  /// Restart, retry, commit and token timing, passed down to every actor as it is.
  engine_tuning tuning;
};

class sync_engine {
public:
  static expected<std::unique_ptr<sync_engine>> start(caf::actor_system& sys,
                                                      sync_engine_options options);
  /// Stops the org (every tenant) and waits until every acknowledged page is committed.
  ~sync_engine();
  sync_engine(const sync_engine&) = delete;
  sync_engine& operator=(const sync_engine&) = delete;

  /// The typed interface for runtime changes and sync rounds.
  org_actor org() const noexcept { return org_; }
  persistence_actor persistence() const noexcept { return persistence_; }
  /// The rule evaluator: list, put, remove, explain, preview and purge. It started with the
  /// store's rules (stored rules that do not compile fail start()).
  rule_evaluator_actor rules() const noexcept { return rules_; }
  lmdb_store& store() noexcept { return *store_; }

  /// Same as the destructor, callable early; idempotent.
  void stop();

private:
  sync_engine(caf::actor_system& sys, std::shared_ptr<lmdb_store> store);

  caf::actor_system& sys_;
  std::shared_ptr<lmdb_store> store_;
  std::shared_ptr<graph_io> io_;
  persistence_actor persistence_;
  rule_evaluator_actor rules_;
  org_actor org_;
  std::chrono::milliseconds request_timeout_{60000};
  bool stopped_ = false;
};

} // namespace m365
