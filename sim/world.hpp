// Ownership: one per server; shared by all server threads. Members are either immutable after
// start (data, ids, links, identity) or internally locked (counters, throttle, mailboxes,
// fault profile, token revocations). The state both APIs (Graph and /_sim/) work on.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sim/counters.hpp"
#include "sim/dataset.hpp"
#include "sim/fault_profile.hpp"
#include "sim/identity.hpp"
#include "sim/item_ids.hpp"
#include "sim/link_token.hpp"
#include "sim/mailbox.hpp"
#include "sim/options.hpp"
#include "sim/throttle.hpp"
#include "sim/token_revocation.hpp"

namespace m365::sim {

class world {
public:
  explicit world(const server_options& options);

  const server_options& options() const noexcept { return options_; }
  const dataset& data() const noexcept { return data_; }
  dataset& mutable_data() noexcept { return data_; }
  const item_ids& ids() const noexcept { return ids_; }
  const link_token& links() const noexcept { return links_; }
  const identity& id_platform() const noexcept { return identity_; }
  class counters& stats() noexcept { return counters_; }
  class throttle& limits() noexcept { return throttle_; }
  token_revocation& revocations() noexcept { return revocations_; }

  /// The mailbox of user `index`, created (seeded) on first use.
  mailbox& mailbox_of(uint32_t index);

  std::shared_ptr<const fault_profile> faults() const;
  void set_faults(fault_profile profile);

  /// `http://127.0.0.1:PORT` (or https), set by the server once bound.
  const std::string& base_url() const noexcept { return base_url_; }
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  std::string graph_url() const { return base_url_ + "/v1.0"; }

  /// The manifest JSON (see server.hpp for the format).
  std::string manifest_json() const;

private:
  server_options options_;
  dataset data_;
  item_ids ids_;
  link_token links_;
  identity identity_;
  class counters counters_;
  class throttle throttle_;
  token_revocation revocations_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<mailbox>> mailboxes_;
  std::shared_ptr<const fault_profile> faults_;
  std::string base_url_;
};

} // namespace m365::sim
