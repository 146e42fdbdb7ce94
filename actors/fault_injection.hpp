// Ownership: test-only message shapes, not part of the public interfaces (messages/interfaces.hpp).
// The engine's actors also accept these so supervision tests can make one child fail; a test
// narrows a handle it holds to the wider interface with caf::actor_cast.
#pragma once

#include "messages/interfaces.hpp"

namespace m365 {

/// The org forwards `(crash_atom, tenant, user)` to that tenant's supervisor.
using org_with_fault_injection = org_actor::extend<caf::reacts_to<crash_atom, tenant_id, user_id>>;

/// The tenant supervisor makes that user's mailbox actor fail (sync_errc::mailbox_parked).
using tenant_with_fault_injection = tenant_actor::extend<caf::reacts_to<crash_atom, user_id>>;

/// A stream actor fails at once with sync_errc::mailbox_parked ("injected crash").
using stream_with_fault_injection = stream_actor::extend<caf::reacts_to<crash_atom>>;

} // namespace m365
