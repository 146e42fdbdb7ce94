// Ownership: free functions for one test thread. Helpers of the dedupe journal tests
// (dedupe_journal_test.cpp, journal_compaction_test.cpp): stores, mails with a chosen
// internetMessageId, pages, and what the journal lists on disk. Fail through Catch's REQUIRE.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messages/pages.hpp"
#include "store/lmdb_store.hpp"

namespace m365::test {

std::unique_ptr<lmdb_store> open_store(store_options options);
std::unique_ptr<lmdb_store> open_store(const std::string& path);

/// An email in "inbox" of `tenant`/`user` with the given internetMessageId.
email mail(const std::string& tenant, const std::string& user, const std::string& graph_id,
           const std::string& message_id);
/// A paging page of `items` (moved to `folder`), its link numbered by `page_no`.
email_page page_of(const std::string& tenant, const std::string& user, std::vector<email> items,
                   uint64_t page_no, const std::string& folder = "inbox");
/// Commits one page; its ack.
commit_ack commit_one(lmdb_store& store, const email_page& page);
/// The internetMessageId number `n`.
std::string id(int n);

/// The owner record keys the journal lists, in journal order.
std::vector<std::string> journal_owners(const std::string& path);
bool lists(const std::vector<std::string>& owners, const std::string& tenant,
           const std::string& user, const std::string& graph_id);

} // namespace m365::test
