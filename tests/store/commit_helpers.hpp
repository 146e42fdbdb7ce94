// Ownership: free functions for one test thread. Opening a store and committing one page, the
// two steps nearly every store test starts with. Fail through Catch's REQUIRE.
#pragma once

#include <memory>
#include <string>

#include "messages/pages.hpp"
#include "store/lmdb_store.hpp"

namespace m365::test {

std::unique_ptr<lmdb_store> open_store(store_options options);
/// A store at `path` with default options.
std::unique_ptr<lmdb_store> open_store(const std::string& path);

/// Commits `page` alone in one transaction; its ack.
commit_ack commit_one(lmdb_store& store, const email_page& page);
commit_ack commit_one(lmdb_store& store, const event_page& page);

} // namespace m365::test
