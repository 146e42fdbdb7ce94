// Test doubles for the engine: an in-memory Graph (fake_graph_port) whose mailboxes can be
// mutated between rounds and told to fail, and a persistence actor that keeps pages in memory
// the way the store applies them. Threading: the fake port is called from actor threads; its
// state is guarded by one mutex; callbacks run synchronously (they only send messages).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/graph_port.hpp"
#include "messages/interfaces.hpp"
#include "store/lmdb_store.hpp"

namespace m365::test {

/// One folder of a fake mailbox: items plus a change log so delta links return only changes.
struct fake_folder {
  std::vector<email> items;                    ///< current content
  std::vector<std::pair<size_t, std::string>> removals;  ///< (version, graph id)
  std::map<std::string, size_t> added_at;      ///< graph id -> version it was (re)written
  size_t version = 0;
};

/// Scripted failures, consumed in order.
struct fake_faults {
  int transient_failures = 0;       ///< next N fetches fail with graph_errc::transport
  bool gone_on_next_delta = false;  ///< next fetch of a delta link answers 410
  bool unauthorized_once = false;   ///< next fetch answers 401 once
  caf::error token_error;           ///< every token request fails with it while set
  bool hang = false;                ///< fetches never answer (a stuck connection)
};

class fake_graph : public std::enable_shared_from_this<fake_graph> {
public:
  void add_email(const std::string& mailbox, const std::string& folder, email e);
  void remove_email(const std::string& mailbox, const std::string& folder,
                    const std::string& graph_id);
  void set_faults(const tenant_id& tenant, fake_faults faults);
  /// Every URL fetched for a tenant, in order.
  std::vector<std::string> fetched_urls(const tenant_id& tenant);
  size_t token_requests(const tenant_id& tenant);
  bool hangs(const tenant_id& tenant);

  caf::expected<email_page> fetch(const tenant_id& tenant, const delta_request& request,
                                  const access_token& token);
  caf::expected<access_token> token(const tenant_id& tenant);

  std::shared_ptr<graph_port_factory> factory();

private:
  std::mutex mutex_;
  std::map<std::string, fake_folder> folders_;   ///< "mailbox/folder"
  std::map<tenant_id, fake_faults> faults_;
  std::map<tenant_id, std::vector<std::string>> urls_;
  std::map<tenant_id, size_t> tokens_;
  uint32_t page_size_ = 3;
};

/// What the fake persistence actor holds: item keys and the latest link per stream.
struct fake_store {
  std::mutex mutex;
  std::map<std::string, email> emails;           ///< "tenant|user|graph_id"
  std::map<std::string, delta_link> links;       ///< "tenant|user|folder"
  size_t pages = 0;
  bool fail_loads = false;  ///< every link load fails (an unreadable store)
  int failing_commits = 0;  ///< the next N email page commits fail with store_errc::io_error
  /// Rule changes (rules_atom) are written here when set, as the real writer writes them.
  std::shared_ptr<lmdb_store> rule_store;
  size_t rule_changes = 0;  ///< rules_atom messages received

  caf::expected<delta_link> load(const tenant_id& t, const user_id& u, const std::string& f);
  size_t count_for(const tenant_id& tenant);
};

persistence_actor spawn_fake_persistence(caf::actor_system& sys, std::shared_ptr<fake_store> s);

email make_email(const std::string& id, const std::string& subject);

} // namespace m365::test
