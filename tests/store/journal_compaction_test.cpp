// Compaction of the dedupe journal (store/dedupe_journal.hpp): after most of a user's items are
// removed, the journal on disk shrinks to the live entries and dedupe stays exact, the same
// whatever the reopening, hash collisions or budget; a compaction in a transaction that does
// not commit leaves the journal as it was; a compaction by another process is seen; a table
// larger than the budget is not reloaded by every transaction.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "tests/store/journal_pages.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;
using test::commit_one;
using test::id;
using test::mail;
using test::open_store;
using test::page_of;

namespace {

/// Stale entries at which the tests' stores compact (production: 1024).
constexpr size_t floor_entries = 8;

std::vector<email> mails(const std::string& tenant, const std::string& user,
                         const std::string& prefix, int from, int to) {
  std::vector<email> out;
  for (int i = from; i < to; ++i) out.push_back(mail(tenant, user, prefix + std::to_string(i), id(i)));
  return out;
}

std::vector<std::string> graph_ids(const std::string& prefix, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

using test::ack_log;
using test::ack_text;
using test::data_of;

/// The churn pages, in commit order (a vector per transaction).
std::vector<std::vector<email_page>> churn_pages() {
  auto removal = [](int page_no, std::vector<std::string> ids) {
    auto p = page_of("contoso", "u-1", {}, page_no);
    p.removed_ids = std::move(ids);
    return p;
  };
  std::vector<std::vector<email_page>> out;
  // 1. u-1 gets 40 items, u-2 five (another table, so small budgets evict).
  out.push_back({page_of("contoso", "u-1", mails("contoso", "u-1", "C-", 0, 40), 1),
                 page_of("contoso", "u-2", mails("contoso", "u-2", "D-", 0, 5), 2)});
  // 2. Another tenant delivers five of u-1's items again: aliases.
  out.push_back({page_of("fabrikam", "u-1", mails("fabrikam", "u-1", "F-", 0, 5), 3)});
  // 3. 30 of u-1's 40 removed (F-0..4 promoted): 30 stale entries against 15 live: compaction.
  out.push_back({removal(4, graph_ids("C-", 0, 30))});
  // 4. A twin of a survivor folds; a removed owner's id is a new item; a promoted owner's twin
  //    folds.
  out.push_back({page_of("fabrikam", "u-1",
                         {mail("fabrikam", "u-1", "F-35", id(35)),
                          mail("fabrikam", "u-1", "F-10", id(10)),
                          mail("fabrikam", "u-1", "F-0b", id(0))},
                         5, "archive")});
  // 5. More items and 5 removals: below the floor, the counter record stays.
  auto mixed = page_of("contoso", "u-1", mails("contoso", "u-1", "C-", 40, 50), 6);
  mixed.removed_ids = graph_ids("C-", 30, 35);
  out.push_back({mixed});
  // 6. Removed sources delivered again: C-10 folds into F-10, C-20 is new again.
  out.push_back({page_of("contoso", "u-1",
                         {mail("contoso", "u-1", "C-10", id(10)),
                          mail("contoso", "u-1", "C-20", id(20))},
                         7)});
  return out;
}

const ack_log expected_churn = {"40/0/0", "5/0/0", "0/5/0", "0/0/30", "1/2/0", "10/0/5", "1/1/0"};

/// Commits the churn pages; opens the store once, or before every commit when `reopen`.
ack_log run_churn(const store_options& options, bool reopen) {
  test::history_recorder history{options, reopen};
  for (auto& pages : churn_pages()) history.commit(pages);
  return history.log();
}


store_options compacting(const std::string& path) {
  store_options options;
  options.path = path;
  options.dedupe_compact_floor = floor_entries;
  return options;
}

int run_child(const std::function<int()>& body) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(body());
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFEXITED(wstatus));
  return WEXITSTATUS(wstatus);
}

} // namespace

TEST_CASE("a journal mostly of removed items is compacted and dedupe stays exact",
          "[store][dedupe][journal][compaction]") {
  test::temp_directory dir;
  auto options = compacting(dir.path());
  REQUIRE(run_churn(options, false) == expected_churn);
  // 40 + 5 promoted + F-10 + 10 + C-20 = 57 entries without compaction; the 30 stale ones of
  // step 3 are gone: 15 kept + F-10 + 10 + C-20.
  auto dump = test::dump_environment(dir.path());
  auto u1 = keys::journal_prefix("u-1", keys::kind::email);
  size_t u1_entries = 0;
  for (auto& [hash, owner] : test::journal_entries(dump))
    if (owner.find("u-1") != std::string::npos) ++u1_entries;
  CHECK(u1_entries == 27);
  // The counter record holds the 5 removals of step 5 (below the floor).
  std::vector<std::string> counters;
  for (auto& [key, value] : dump.at("dedupe_journal"))
    if (key == u1) counters.push_back(value);
  CHECK(counters == std::vector<std::string>{std::string("\x01\x05", 2)});
  auto store = open_store(options);
  CHECK(store->get_email("fabrikam", "u-1", "F-35")->graph_id == "C-35");
  CHECK(store->get_email("fabrikam", "u-1", "F-10")->graph_id == "F-10");
  CHECK(store->get_email("fabrikam", "u-1", "F-0b")->graph_id == "F-0");
  CHECK(store->get_email("contoso", "u-1", "C-10")->graph_id == "F-10");
  CHECK(store->get_email("contoso", "u-1", "C-20")->graph_id == "C-20");
  CHECK(store->get_email("contoso", "u-2", "D-3")->graph_id == "D-3");
  CHECK_FALSE(store->get_email("contoso", "u-1", "C-25").has_value());
}

TEST_CASE("compaction gives the same bytes whether reopened, colliding or evicted",
          "[store][dedupe][journal][compaction]") {
  test::temp_directory reference_dir;
  std::size_t compactions = 0;
  {
    auto options = compacting(reference_dir.path());
    REQUIRE(run_churn(options, false) == expected_churn);
  }
  {
    // One compaction (step 3) in a run without reopening.
    test::temp_directory dir;
    auto store = open_store(compacting(dir.path()));
    for (auto& pages : churn_pages()) {
      write_batch batch;
      for (auto& p : pages) batch.add(p);
      REQUIRE(store->commit(batch).has_value());
    }
    compactions = store->stats().dedupe_journal_compactions;
  }
  CHECK(compactions == 1);
  test::check_unchanged_by_variants(compacting, run_churn, expected_churn,
                                    data_of(reference_dir.path()));
}

TEST_CASE("a compaction in a transaction that does not commit leaves the journal as it was",
          "[store][dedupe][journal][compaction]") {
  test::temp_directory dir;
  auto options = compacting(dir.path());
  options.dedupe_fail_after_compaction = true;
  auto pages = churn_pages();
  auto store = open_store(options);
  for (size_t step = 0; step < 2; ++step) {
    write_batch batch;
    for (auto& p : pages[step]) batch.add(p);
    REQUIRE(store->commit(batch).has_value());
  }
  auto before = data_of(dir.path());
  // 30 removals without a promotion: the transaction stages nothing, it only compacts.
  auto removal = page_of("contoso", "u-1", {}, 4);
  removal.removed_ids = graph_ids("C-", 5, 35);
  write_batch batch;
  batch.add(removal);
  auto failed = store->commit(batch);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code() == status_code::internal);
  CHECK(data_of(dir.path()) == before);
  CHECK(store->stats().dedupe_journal_compactions == 0);
  // The table the failed transaction compacted is gone: the old journal answers (C-10 and
  // C-35 are still stored, so their twins fold); a kept table would name chunks that were
  // never committed.
  auto ack = commit_one(*store, page_of("fabrikam", "u-1",
                                        {mail("fabrikam", "u-1", "F-35", id(35)),
                                         mail("fabrikam", "u-1", "F-10", id(10))},
                                        5, "archive"));
  CHECK(ack_text(ack) == "0/2/0");
  CHECK(store->get_email("fabrikam", "u-1", "F-10")->graph_id == "C-10");
  CHECK(store->health());
}

TEST_CASE("a compaction by another process is seen before this process uses its table",
          "[store][dedupe][journal][compaction]") {
  test::temp_directory dir;
  auto options = compacting(dir.path());
  auto pages = churn_pages();
  auto store = open_store(options);
  for (size_t step = 0; step < 2; ++step) {
    write_batch batch;
    for (auto& p : pages[step]) batch.add(p);
    REQUIRE(store->commit(batch).has_value());
  }
  // This process has u-1's table loaded; another one removes 30 items and compacts.
  int rc = run_child([&] {
    auto other = lmdb_store::open(options);
    if (!other) return 2;
    write_batch batch;
    batch.add(pages[2][0]);
    auto acks = (*other)->commit(batch);
    if (!acks || acks->front().removed != 30) return 3;
    return (*other)->stats().dedupe_journal_compactions == 1 ? 0 : 4;
  });
  REQUIRE(rc == 0);
  auto loads = store->stats().dedupe_journal_loads;
  write_batch batch;
  batch.add(pages[3][0]);
  auto acks = store->commit(batch);
  REQUIRE(acks.has_value());
  CHECK(ack_text(acks->front()) == "1/2/0");
  CHECK(store->stats().dedupe_journal_loads == loads + 1);
  CHECK(store->get_email("fabrikam", "u-1", "F-35")->graph_id == "C-35");
  CHECK(store->get_email("fabrikam", "u-1", "F-10")->graph_id == "F-10");
  CHECK(store->get_email("fabrikam", "u-1", "F-0b")->graph_id == "F-0");
  CHECK(store->health());
}

TEST_CASE("a table larger than the budget is not reloaded by every transaction",
          "[store][dedupe][journal][budget]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  options.dedupe_index_budget = 10;
  auto store = open_store(options);
  commit_one(*store, page_of("contoso", "u-1", mails("contoso", "u-1", "C-", 0, 40), 1));
  REQUIRE(store->stats().dedupe_journal_loads == 1);
  for (int i = 0; i < 5; ++i)
    commit_one(*store, page_of("contoso", "u-1", mails("contoso", "u-1", "C-", 40 + i, 41 + i),
                               2 + static_cast<uint64_t>(i)));
  CHECK(store->stats().dedupe_journal_loads == 1);
  CHECK(store->stats().dedupe_loaded_entries == 45);
  // Another user's transaction evicts u-1's table (unused by it), which then loads again.
  commit_one(*store, page_of("contoso", "u-2", mails("contoso", "u-2", "D-", 0, 1), 10));
  CHECK(store->stats().dedupe_loaded_tables == 1);
  commit_one(*store, page_of("contoso", "u-1", mails("contoso", "u-1", "C-", 50, 51), 11));
  CHECK(store->stats().dedupe_journal_loads == 3);
  CHECK(store->stats().dedupe_loaded_tables == 1);
}
