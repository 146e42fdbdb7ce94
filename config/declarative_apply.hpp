// Ownership: free function; call it from the store's writer thread (before the persistence
// actor starts, or from within it), as it uses the store's put_* calls.
// Applies the declarative part of the config file (tenants, credentials, users, rules).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/secret_box.hpp"
#include "messages/expected.hpp"
#include "store/lmdb_store.hpp"

namespace m365 {

struct apply_report {
  size_t tenants_written = 0;
  size_t credentials_written = 0;
  size_t users_written = 0;
  size_t rules_written = 0;
  size_t unchanged = 0;           ///< records already as declared (left untouched)
  std::vector<std::string> lines; ///< one per write: "tenant contoso: created" (never a secret)

  size_t changes() const noexcept {
    return tenants_written + credentials_written + users_written + rules_written;
  }
};

/// Brings the store in line with `cfg`: every declared tenant, credential, user and rule is
/// written only when absent or different from what is stored (ignoring version counters), and
/// then with its version bumped; re-applying the same file writes nothing and reports 0
/// changes. Credentials are compared by opening the stored blob, as two seals of the same
/// secret never look alike. Records that exist in the store but not in the file are left
/// alone: they may have been created through the admin API. Each write is its own transaction
/// and audited (`actor` names the source, e.g. "config:/etc/m365sync/m365sync.jsonc"); if one
/// fails, the error is returned and re-applying finishes the job.
expected<apply_report> apply_declarations(const config& cfg, lmdb_store& store,
                                          const secret_box& box, const std::string& actor,
                                          timestamp_ms now);

} // namespace m365
