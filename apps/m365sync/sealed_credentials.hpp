// Ownership: the returned loader holds the store (shared) and a copy of the master key; the
// engine calls it from its actors whenever a tenant's Graph port is (re)built, so it only reads.
#pragma once

#include <memory>

#include "actors/graph_binding.hpp"
#include "config/secret_box.hpp"

namespace m365 {
class lmdb_store;
}

namespace m365::cli {

/// The server's credential_loader: opens the tenant's sealed credential from the store with the
/// master key (tenant id as associated data) and turns it into the adapters' form: a client
/// secret, or a certificate + key loaded into a client_assertion (JWT, x5t#S256). Reads the
/// store every time, so a credential written through the API is picked up at the next
/// (re)connect. Errors name the tenant and what to do, never the material.
credential_loader sealed_credential_loader(std::shared_ptr<const lmdb_store> store,
                                           secret_box box);

} // namespace m365::cli
