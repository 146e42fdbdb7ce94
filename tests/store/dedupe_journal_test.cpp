// The dedupe journal (store/dedupe_journal.hpp): exact dedupe whatever the in-memory index
// holds. Duplicates are found after a reopen, inside one page and one group commit; forced hash
// collisions, an index budget that evicts every table and reopening between commits change
// nothing (same acks, byte-identical databases); a transaction that does not commit leaves no
// entry behind; a stale entry of a removed owner never captures a new item; a chunk another
// process appended is seen.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "tests/store/journal_pages.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;

using test::commit_one;
using test::id;
using test::journal_owners;
using test::lists;
using test::mail;
using test::open_store;
using test::page_of;

namespace {

using test::ack_log;

/// A history that exercises every dedupe path: duplicates within a page, across the pages of
/// a group commit, across tenants, folders and users; owner removals with and without
/// promotion; a removed source delivered again; a dedupe id that changes; events. Opens the
/// store once, or again before every commit when `reopen` is set.
ack_log run_history(const store_options& options, bool reopen) {
  test::history_recorder history{options, reopen};
  auto commit = [&](const std::vector<email_page>& pages) { history.commit(pages); };
  std::vector<email> first;
  for (int i = 0; i < 30; ++i) first.push_back(mail("contoso", "u-1", "C-" + std::to_string(i), id(i)));
  first.push_back(mail("contoso", "u-1", "C-dup", id(0)));  // the same id twice in one page
  commit({page_of("contoso", "u-1", first, 1)});

  std::vector<email> migrated;
  std::vector<email> other_user;
  for (int i = 0; i < 10; ++i) {
    migrated.push_back(mail("fabrikam", "u-1", "F-" + std::to_string(i), id(i)));
    other_user.push_back(mail("contoso", "u-2", "D-" + std::to_string(i), id(i)));
  }
  // One group commit: another tenant, another user, and one id new to both of its pages.
  commit({page_of("fabrikam", "u-1", migrated, 2), page_of("contoso", "u-2", other_user, 3),
          page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-30", id(30))}, 4, "archive"),
          page_of("contoso", "u-1", {mail("contoso", "u-1", "C-30", id(30))}, 5, "sentitems")});

  // Owner removals: C-0 has two aliases (C-dup, F-0), C-1 one (F-1), C-20 none.
  auto removal = page_of("contoso", "u-1", {}, 6);
  removal.removed_ids = {"C-0", "C-1", "C-20"};
  commit({removal});
  // C-20 again (its old entry lists it), a new source of the promoted F-1, C-21's twin.
  commit({page_of("contoso", "u-1",
                  {mail("contoso", "u-1", "C-20", id(20)), mail("contoso", "u-1", "C-new", id(1)),
                   mail("contoso", "u-1", "C-21b", id(21))},
                  7)});
  // C-2's id changes: F-2 takes its item over, C-2 becomes a new item that F-x then joins.
  commit({page_of("contoso", "u-1", {mail("contoso", "u-1", "C-2", "<changed@x>")}, 8)});
  commit({page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-x", "<changed@x>")}, 9),
          page_of("contoso", "u-1", {mail("contoso", "u-1", "C-promoted", id(0))}, 10)});

  event_page events;
  events.link = {"contoso", "u-1", "calendar", sync_phase::paging, "page:11", 0, 1011, 0, 0, ""};
  events.items = {sample::make_event("contoso", "u-1", "E-1", 1, "UID-1"),
                  sample::make_event("contoso", "u-1", "E-2", 2, "UID-2"),
                  sample::make_event("contoso", "u-1", "E-3", 3, id(3))};  // not an email's twin
  event_page twin = events;
  twin.link.tenant = "fabrikam";
  twin.link.url = "page:12";
  twin.items = {sample::make_event("fabrikam", "u-1", "FE-1", 4, "UID-1")};
  auto& store = history.next_store();
  for (auto* page : {&events, &twin}) {
    auto ack = commit_one(store, *page);
    history.record(std::to_string(ack.upserted) + "/" + std::to_string(ack.duplicates));
  }
  return history.log();
}

/// The acks the history must give.
const ack_log expected_history = {
  "30/1/0",                              // C-dup folds into C-0
  "0/10/0", "10/0/0", "1/0/0", "0/1/0",  // F-0..9 fold, u-2 keeps its own, C-30 joins F-30
  "0/0/3",                               // C-0 (C-dup inherits), C-1 (F-1 inherits), C-20
  "1/2/0",                               // C-20 new again; C-new joins F-1, C-21b joins C-21
  "1/0/0",                               // C-2 with its new id
  "0/1/0", "0/1/0",                      // F-x joins C-2; C-promoted joins C-dup (C-0's heir)
  "3/0", "0/1"};                         // FE-1 joins E-1; E-3 is no email's twin

} // namespace

TEST_CASE("the dedupe history gives the expected acks", "[store][dedupe][journal]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  auto log = run_history(options, false);
  CHECK(log == expected_history);
  auto store = open_store(dir.path());
  CHECK(store->get_email("contoso", "u-1", "C-promoted")->graph_id == "C-dup");
  CHECK(store->get_email("fabrikam", "u-1", "F-0")->graph_id == "C-dup");
  CHECK(store->get_email("contoso", "u-1", "C-new")->graph_id == "F-1");
  CHECK(store->get_email("fabrikam", "u-1", "F-x")->graph_id == "C-2");
  CHECK(store->get_email("contoso", "u-1", "C-2")->internet_message_id == "<changed@x>");
  CHECK(store->get_email("fabrikam", "u-1", "F-2")->graph_id == "F-2");
  CHECK(store->get_email("contoso", "u-1", "C-21b")->graph_id == "C-21");
  CHECK(store->get_email("contoso", "u-2", "D-0")->graph_id == "D-0");
  CHECK(store->get_event("fabrikam", "u-1", "FE-1")->graph_id == "E-1");
}

TEST_CASE("reopening, colliding hashes and an evicting budget change no result",
          "[store][dedupe][journal]") {
  test::temp_directory reference_dir;
  store_options reference;
  reference.path = reference_dir.path();
  REQUIRE(run_history(reference, false) == expected_history);
  test::check_unchanged_by_variants(
    [](const std::string& path) {
      store_options o;
      o.path = path;
      return o;
    },
    run_history, expected_history, test::data_of(reference_dir.path()));
}

TEST_CASE("a duplicate is found after a reopen, through the journal on disk",
          "[store][dedupe][journal]") {
  test::temp_directory dir;
  {
    auto store = open_store(dir.path());
    CHECK(commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "C-1", id(1))}, 1))
            .upserted == 1);
  }
  auto store = open_store(dir.path());
  auto ack = commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-1", id(1))}, 2));
  CHECK(ack.duplicates == 1);
  CHECK(ack.upserted == 0);
  CHECK(store->get_email("fabrikam", "u-1", "F-1")->graph_id == "C-1");
}

TEST_CASE("duplicates within one page and within one group commit are folded",
          "[store][dedupe][journal]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto ack = commit_one(*store, page_of("contoso", "u-1",
                                        {mail("contoso", "u-1", "A", id(1)),
                                         mail("contoso", "u-1", "B", id(1)),
                                         mail("contoso", "u-1", "C", id(2))},
                                        1));
  CHECK(ack.upserted == 2);
  CHECK(ack.duplicates == 1);
  auto p1 = page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F", id(3))}, 2);
  auto p2 = page_of("contoso", "u-1", {mail("contoso", "u-1", "G", id(3))}, 3, "archive");
  write_batch batch;
  batch.add(p1);
  batch.add(p2);
  auto acks = store->commit(batch);
  REQUIRE(acks.has_value());
  CHECK(acks->at(0).upserted == 1);
  CHECK(acks->at(1).duplicates == 1);
  CHECK(store->get_email("contoso", "u-1", "G")->graph_id == "F");
  CHECK(store->get_email("contoso", "u-1", "B")->graph_id == "A");
}

TEST_CASE("a stale journal entry of a removed owner never captures a new item",
          "[store][dedupe][journal]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  options.dedupe_hash_mask = GENERATE(~uint64_t{0}, uint64_t{0});
  auto store = open_store(options);
  commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "A", id(1))}, 1));
  auto removal = page_of("contoso", "u-1", {}, 2);
  removal.removed_ids = {"A"};
  CHECK(commit_one(*store, removal).removed == 1);
  // Same id, another source: a new item, not an alias of the gone record.
  auto ack = commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F", id(1))}, 3));
  CHECK(ack.upserted == 1);
  CHECK(ack.duplicates == 0);
  CHECK(store->get_email("fabrikam", "u-1", "F")->graph_id == "F");
  // A's key back with another id: the entry listing A under id 1 must not capture id 1.
  commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "A", id(2))}, 4));
  ack = commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "B", id(1))}, 5, "archive"));
  CHECK(ack.duplicates == 1);
  CHECK(store->get_email("contoso", "u-1", "B")->graph_id == "F");
  ack = commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "C", id(2))}, 6, "archive"));
  CHECK(ack.duplicates == 1);
  CHECK(store->get_email("contoso", "u-1", "C")->graph_id == "A");
}

TEST_CASE("a transaction that does not commit leaves no journal entry behind",
          "[store][dedupe][journal]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  options.initial_map_size = size_t{1} << 20;

  SECTION("a batch refused for a full map") {
    options.max_map_size = options.initial_map_size;
    {
      auto store = open_store(options);
      commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "small", id(0))}, 1));
      std::vector<email> big;
      for (int i = 1; i <= 400; ++i) big.push_back(mail("contoso", "u-1", "big-" + std::to_string(i), id(i)));
      write_batch batch;
      auto page = page_of("contoso", "u-1", big, 2);
      batch.add(page);
      auto result = store->commit(batch);
      REQUIRE_FALSE(result.has_value());
      REQUIRE(result.error().code() == status_code::map_full);
      // The refused items are no owners: their ids arrive as new items.
      auto ack = commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-1", id(1))}, 3));
      CHECK(ack.upserted == 1);
      CHECK(ack.duplicates == 0);
      ack = commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-0", id(0))}, 4));
      CHECK(ack.duplicates == 1);
    }
    auto owners = journal_owners(dir.path());
    CHECK(owners.size() == 2);
    CHECK(lists(owners, "contoso", "u-1", "small"));
    CHECK(lists(owners, "fabrikam", "u-1", "F-1"));
    CHECK_FALSE(lists(owners, "contoso", "u-1", "big-1"));
  }

  SECTION("a batch retried after the map grew") {
    std::vector<email> big;
    for (int i = 0; i < 400; ++i) big.push_back(mail("contoso", "u-1", "big-" + std::to_string(i), id(i)));
    big.push_back(mail("contoso", "u-1", "twin", id(7)));
    {
      auto store = open_store(options);
      auto ack = commit_one(*store, page_of("contoso", "u-1", big, 1));
      REQUIRE(store->stats().map_growths > 0);
      CHECK(ack.upserted == 400);
      CHECK(ack.duplicates == 1);
      ack = commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-5", id(5))}, 2));
      CHECK(ack.duplicates == 1);
    }
    auto owners = journal_owners(dir.path());
    CHECK(owners.size() == 400);
    for (int i = 0; i < 400; ++i) CHECK(lists(owners, "contoso", "u-1", "big-" + std::to_string(i)));
    auto store = open_store(options);
    auto ack = commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F-9", id(9))}, 3));
    CHECK(ack.duplicates == 1);
    CHECK(store->get_email("fabrikam", "u-1", "F-9")->graph_id == "big-9");
  }
}

TEST_CASE("a journal chunk another process wrote is read before this process writes its own",
          "[store][dedupe][journal]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "A", id(1))}, 1));
  CHECK(commit_one(*store, page_of("fabrikam", "u-1", {mail("fabrikam", "u-1", "F", id(1))}, 2))
          .duplicates == 1);
  // Another process (an admin tool beside the server) removes A: F is promoted and listed in
  // a journal chunk this process has not seen.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    store_options options;
    options.path = dir.path();
    auto other = lmdb_store::open(options);
    if (!other) ::_exit(2);
    auto removal = page_of("contoso", "u-1", {}, 3);
    removal.removed_ids = {"A"};
    write_batch batch;
    batch.add(removal);
    auto acks = (*other)->commit(batch);
    ::_exit(acks && acks->front().removed == 1 ? 0 : 3);
  }
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFEXITED(wstatus));
  REQUIRE(WEXITSTATUS(wstatus) == 0);
  auto ack = commit_one(*store, page_of("contoso", "u-1", {mail("contoso", "u-1", "B", id(1))}, 4, "archive"));
  CHECK(ack.duplicates == 1);
  CHECK(store->get_email("contoso", "u-1", "B")->graph_id == "F");
  CHECK(store->health());
}
