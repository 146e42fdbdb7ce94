// Ownership: free function; reads the store (safe from any thread, see lmdb_store.hpp) and
// returns a catalog the caller owns. What validate_rule() checks scopes against: the tenants
// and users the store holds (the config's declared ones, and those made through the API).
#pragma once

#include "messages/expected.hpp"
#include "rules/memory_rule_catalog.hpp"

namespace m365 {

class lmdb_store;

/// Every tenant and user assignment of the store, read now (one read each).
expected<memory_rule_catalog> store_rule_catalog(const lmdb_store& store);

} // namespace m365
