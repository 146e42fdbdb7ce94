// Shared by the engine tests: conditions on a tenant's status that bounded waits poll for.
#pragma once

#include <algorithm>

#include "messages/engine.hpp"

namespace m365::test {

/// Every stream actor of the tenant is alive and between rounds (a crashed one that waits for
/// its restart shows `backoff`).
inline bool every_stream_idle(const tenant_status& st) {
  return std::all_of(st.mailboxes.begin(), st.mailboxes.end(),
                     [](const mailbox_status& m) { return m.state == mailbox_state::idle; });
}

} // namespace m365::test
