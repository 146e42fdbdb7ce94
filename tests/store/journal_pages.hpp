// Ownership: free functions for one test thread. Helpers of the dedupe journal tests
// (dedupe_journal_test.cpp, journal_compaction_test.cpp): stores, mails with a chosen
// internetMessageId, pages, and what the journal lists on disk. Fail through Catch's REQUIRE.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "messages/pages.hpp"
#include "store/lmdb_store.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/store_fixture.hpp"

namespace m365::test {

/// An email in "inbox" of `tenant`/`user` with the given internetMessageId.
email mail(const std::string& tenant, const std::string& user, const std::string& graph_id,
           const std::string& message_id);
/// A paging page of `items` (moved to `folder`), its link numbered by `page_no`.
email_page page_of(const std::string& tenant, const std::string& user, std::vector<email> items,
                   uint64_t page_no, const std::string& folder = "inbox");
/// The internetMessageId number `n`.
std::string id(int n);

/// The owner record keys the journal lists, in journal order.
std::vector<std::string> journal_owners(const std::string& path);
bool lists(const std::vector<std::string>& owners, const std::string& tenant,
           const std::string& user, const std::string& graph_id);

/// Acks of every commit of a scripted history, "upserted/duplicates/removed" each.
using ack_log = std::vector<std::string>;
std::string ack_text(const commit_ack& a);

/// Commits the groups of pages of a scripted history, each group in one transaction, and logs
/// every ack; opens the store once, or again before every commit when `reopen` is set.
class history_recorder {
public:
  history_recorder(store_options options, bool reopen)
    : options_(std::move(options)), reopen_(reopen) {}
  void commit(const std::vector<email_page>& pages);
  /// The store for the next commit (opened, or reopened when `reopen`), for steps of a history
  /// that commit otherwise; record() logs what they saw.
  lmdb_store& next_store();
  void record(std::string line) { log_.push_back(std::move(line)); }
  const ack_log& log() const noexcept { return log_; }

private:
  store_options options_;
  bool reopen_;
  std::unique_ptr<lmdb_store> store_;
  ack_log log_;
};

/// Every database but meta (whose creation time comes from the clock).
env_dump data_of(const std::string& path);

/// Replays a scripted history, `run(options, reopen_before_every_commit)`, under every way of
/// running it that must change nothing: reopened before every commit, every id colliding
/// (`dedupe_hash_mask` 0; also reopened), budgets that evict every table between transactions
/// (0 entries; 1 entry with colliding ids). `options(path)` makes the base options of a store
/// at `path`. Each run must give `expected` and leave every database equal to `reference`.
void check_unchanged_by_variants(
  const std::function<store_options(const std::string& path)>& options,
  const std::function<ack_log(const store_options&, bool reopen)>& run, const ack_log& expected,
  const env_dump& reference);

} // namespace m365::test
