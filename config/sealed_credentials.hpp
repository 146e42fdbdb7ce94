// Ownership: free functions; the loader returned holds the store (shared) and a copy of the
// master key. The engine calls a loader from its actors whenever a tenant's Graph port is
// (re)built, so it only reads the store (reads are safe from any thread, see lmdb_store.hpp).
// A tenant's credential at rest: the sealed blob in the store, opened with the master key.
#pragma once

#include <functional>
#include <memory>

#include "config/secret_box.hpp"
#include "messages/expected.hpp"
#include "messages/tenant.hpp"

namespace m365 {

class lmdb_store;
struct client_credential;  // adapters/token_client.hpp

/// Opens the tenant's sealed credential from the store with the master key (tenant id as
/// associated data) and turns it into the adapters' form: a client secret, or a certificate +
/// key loaded into a client_assertion (JWT, x5t#S256). Errors name the tenant and what to do,
/// never the material: not_found (no credential yet), permission_denied (another master key or
/// a damaged record), invalid_argument (a certificate that cannot be used).
expected<client_credential> open_sealed_credential(const lmdb_store& store,
                                                   const secret_box& box,
                                                   const tenant_settings& tenant);

/// The server's credential loader (sync_engine_options::credentials): open_sealed_credential()
/// at every call, so a credential written through the API is picked up at the next
/// (re)connect.
std::function<expected<client_credential>(const tenant_settings&)>
sealed_credential_loader(std::shared_ptr<const lmdb_store> store, secret_box box);

} // namespace m365
