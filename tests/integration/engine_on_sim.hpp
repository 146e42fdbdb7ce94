// Ownership: one per test case. The whole engine (store, persistence, Graph adapter, rules,
// supervisors) against an in-process m365sim on loopback, plus the comparisons with the
// simulator's ground truth that the integration tests assert.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/sync_engine.hpp"
#include "store/lmdb_store.hpp"
#include "tests/sim/sim_harness.hpp"
#include "tests/support/temp_directory.hpp"

namespace m365::test {

struct integration_config : caf::actor_system_config {
  integration_config();
};

/// What a test changes in the engine it starts.
struct engine_setup {
  std::set<std::string> skip;                         ///< tenants added later by the test
  std::map<std::string, std::string> wrong_secrets;   ///< tenant -> secret to use instead
  std::vector<rule> rules;  ///< put through the engine's rule evaluator after it started
  /// Last changes to the engine's options before it starts (retry budget, loggers, ...).
  std::function<void(sync_engine_options&)> adjust;
};

class engine_on_sim {
public:
  /// Starts the simulator with `options` and an engine over every tenant of its manifest.
  explicit engine_on_sim(sim::server_options options, engine_setup setup = {});
  ~engine_on_sim();

  sim::testing::sim_harness& sim() { return *sim_; }
  sync_engine& engine() { return *engine_; }
  caf::actor_system& system() { return sys_; }
  lmdb_store& store() { return *store_; }

  /// The engine's view of a manifest tenant (endpoints, folders, ...), and its users.
  tenant_settings tenant(const std::string& slug) const;
  std::vector<user_assignment> users_of(const std::string& slug) const;
  std::vector<std::string> tenant_slugs() const;

  /// Puts a rule through the engine's rule evaluator (fails the test when it is refused).
  rule_put_result put_rule(const rule& r);
  round_report sync(const std::string& tenant);
  caf::error sync_error(const std::string& tenant);
  tenant_status status(const std::string& tenant);

  /// internetMessageIds per CRM user: stored, and in the simulator's inbox + sentitems.
  std::map<std::string, std::multiset<std::string>> stored_messages(const std::string& tenant);
  std::map<std::string, std::multiset<std::string>> true_messages(const std::string& tenant);
  /// iCalUIds of single events inside the calendar window, stored and true.
  std::map<std::string, std::multiset<std::string>> stored_single_events(const std::string& t);
  std::map<std::string, std::multiset<std::string>> true_single_events(const std::string& t);

  /// The CRM user id of a simulator user (by UPN).
  std::string crm_user(const std::string& upn) const;

private:
  temp_directory dir_;
  std::unique_ptr<sim::testing::sim_harness> sim_;
  integration_config cfg_;
  caf::actor_system sys_{cfg_};
  std::shared_ptr<lmdb_store> store_;
  std::unique_ptr<sync_engine> engine_;
  std::map<std::string, std::string> secrets_;
  std::map<std::string, std::string> upn_to_user_;
};

} // namespace m365::test
