// The invariants of lmdb_store::commit that sync correctness rests on: idempotent re-apply,
// per-user dedupe across tenants and folders, generation sweeps after a resync, atomic pages
// (a link never ahead of its data) and all-or-nothing batches.
#include <catch2/catch.hpp>

#include "store/lmdb_store.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;
using test::commit_one;
using test::open_store;

namespace {

email_page page_of(const std::string& tenant, const std::string& user, const std::string& folder,
                   std::vector<email> items, uint64_t page_no = 1) {
  email_page page;
  page.link = {tenant, user, folder, sync_phase::paging, "page:" + std::to_string(page_no), 0,
               static_cast<timestamp_ms>(1000 + page_no), 0, 0, ""};
  page.items = std::move(items);
  return page;
}

size_t count_emails(const lmdb_store& store, const std::string& tenant = {}) {
  size_t n = 0;
  REQUIRE(store.scan_emails(tenant, [&](const email&) { return ++n, true; }));
  return n;
}

} // namespace

TEST_CASE("re-applying pages in any grouping leaves every database byte-identical",
          "[store][commit][idempotent]") {
  test::temp_directory dir;
  std::vector<email_page> pages;
  for (uint64_t p = 0; p < 6; ++p)
    pages.push_back(sample::make_email_page(p % 2 ? "fabrikam" : "contoso", "u-1",
                                            p % 3 ? "inbox" : "sentitems", p, p * 20, 20));
  // Removals, a duplicate from another tenant and a final resync page take part too.
  pages[4].removed_ids = {pages[2].items[0].graph_id, "never-seen"};
  auto dup = pages[0].items[5];
  dup.tenant = "fabrikam";
  dup.graph_id = "fabrikam-copy";
  pages[5].items.push_back(dup);
  pages[5].link.phase = sync_phase::resync;
  pages[5].link.generation = 1;
  pages[5].final_page = true;
  event_page events;
  events.link = {"contoso", "u-1", "calendar", sync_phase::caught_up, "delta:1", 0, 5000, 0, 0, ""};
  events.items = {sample::make_event("contoso", "u-1", "E1", 1),
                  sample::make_event("contoso", "u-1", "E2", 2)};
  events.final_page = true;

  {
    auto store = open_store(dir.path());
    write_batch all;
    for (auto& p : pages) all.add(p);
    all.add(events);
    REQUIRE(store->commit(all).has_value());
  }
  auto reference = test::dump_environment(dir.path());
  REQUIRE(reference.at("emails").size() > 90);
  // Every new deduplicated item is in the journal; only the item with two sources has a group.
  REQUIRE(test::journal_entries(reference).size() > 90);
  REQUIRE(reference.at("dedupe").size() == 1);
  REQUIRE(reference.at("aliases").size() == 1);

  // Again: page by page, then in pairs, then all in one batch, three rounds.
  for (int round = 0; round < 3; ++round) {
    {
      auto store = open_store(dir.path());
      if (round == 0) {
        for (auto& p : pages) commit_one(*store, p);
        commit_one(*store, events);
      } else {
        size_t group = round == 1 ? 2 : pages.size();
        for (size_t i = 0; i < pages.size(); i += group) {
          write_batch batch;
          for (size_t j = i; j < std::min(pages.size(), i + group); ++j) batch.add(pages[j]);
          REQUIRE(store->commit(batch).has_value());
        }
        write_batch tail;
        tail.add(events);
        REQUIRE(store->commit(tail).has_value());
      }
    }
    INFO("round " << round);
    CHECK(test::dump_environment(dir.path()) == reference);
  }
}

TEST_CASE("one email per user when it arrives through two tenants and two folders",
          "[store][commit][dedupe]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto original = sample::make_email("contoso", "u-1", "inbox", "C-1", 11, "<same@client.example>");
  auto migrated = sample::make_email("fabrikam", "u-1", "inbox", "F-1", 12, "<same@client.example>");
  auto copy = sample::make_email("contoso", "u-1", "archive", "C-2", 13, "<same@client.example>");
  auto other_user = sample::make_email("contoso", "u-2", "inbox", "C-9", 14, "<same@client.example>");

  CHECK(commit_one(*store, page_of("contoso", "u-1", "inbox", {original})).upserted == 1);
  auto ack = commit_one(*store, page_of("fabrikam", "u-1", "inbox", {migrated}));
  CHECK(ack.upserted == 0);
  CHECK(ack.duplicates == 1);
  ack = commit_one(*store, page_of("contoso", "u-1", "archive", {copy}));
  CHECK(ack.duplicates == 1);
  // Dedupe is per user: another user keeps their own copy.
  CHECK(commit_one(*store, page_of("contoso", "u-2", "inbox", {other_user})).upserted == 1);

  CHECK(count_emails(*store) == 2);
  // Every source resolves to the one record.
  auto via_fabrikam = store->get_email("fabrikam", "u-1", "F-1");
  REQUIRE(via_fabrikam.has_value());
  CHECK(via_fabrikam->graph_id == "C-1");
  activity_query q;
  q.tenant = "contoso";
  q.user = "u-1";
  CHECK(store->read_emails(q)->items.size() == 1);

  SECTION("removing the owner's source keeps the record under the next source") {
    auto removal = page_of("contoso", "u-1", "inbox", {}, 2);
    removal.removed_ids = {"C-1"};
    CHECK(commit_one(*store, removal).removed == 1);
    CHECK(count_emails(*store) == 2);
    CHECK(store->get_email("contoso", "u-1", "C-1").error().code() == status_code::not_found);
    // The sorted next source is contoso's archive copy.
    auto moved = store->get_email("contoso", "u-1", "C-2");
    REQUIRE(moved.has_value());
    CHECK(moved->graph_id == "C-2");
    CHECK(moved->folder == "archive");
    CHECK(moved->subject == original.subject);
    CHECK(store->get_email("fabrikam", "u-1", "F-1")->graph_id == "C-2");

    auto removal2 = page_of("contoso", "u-1", "archive", {}, 3);
    removal2.removed_ids = {"C-2"};
    CHECK(commit_one(*store, removal2).removed == 1);
    auto last = store->get_email("fabrikam", "u-1", "F-1");
    REQUIRE(last.has_value());
    CHECK(last->tenant == "fabrikam");
    CHECK(last->graph_id == "F-1");
    CHECK(count_emails(*store, "fabrikam") == 1);
    q.tenant = "fabrikam";
    CHECK(store->read_emails(q)->items.size() == 1);
    q.tenant = "contoso";
    CHECK(store->read_emails(q)->items.empty());

    SECTION("removing the last source removes the record") {
      auto removal3 = page_of("fabrikam", "u-1", "inbox", {}, 4);
      removal3.removed_ids = {"F-1"};
      CHECK(commit_one(*store, removal3).removed == 1);
      CHECK(count_emails(*store, "fabrikam") == 0);
      CHECK(store->get_email("fabrikam", "u-1", "F-1").error().code() == status_code::not_found);
      // Nothing dangles: the same message may arrive again as new.
      CHECK(commit_one(*store, page_of("fabrikam", "u-1", "inbox", {migrated}, 5)).upserted == 1);
    }
  }

  SECTION("removing a non-owner source keeps the record and its owner") {
    auto removal = page_of("fabrikam", "u-1", "inbox", {}, 2);
    removal.removed_ids = {"F-1"};
    CHECK(commit_one(*store, removal).removed == 1);
    CHECK(store->get_email("contoso", "u-1", "C-1").has_value());
    CHECK(store->get_email("fabrikam", "u-1", "F-1").error().code() == status_code::not_found);
    CHECK(count_emails(*store) == 2);
  }

  SECTION("a removal reported by another folder than the stored one is ignored") {
    auto removal = page_of("contoso", "u-1", "sentitems", {}, 2);
    removal.removed_ids = {"C-1"};
    CHECK(commit_one(*store, removal).removed == 0);
    CHECK(store->get_email("contoso", "u-1", "C-1").has_value());
  }
}

TEST_CASE("single events and series masters are deduplicated by iCalUId, occurrences are not",
          "[store][commit][dedupe]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  event_page a;
  a.link = {"contoso", "u-1", "calendar", sync_phase::paging, "p1", 0, 1, 0, 0, ""};
  a.items = {sample::make_event("contoso", "u-1", "M-1", 1, "UID-SERIES", event_kind::series_master),
             sample::make_event("contoso", "u-1", "O-1", 2, "UID-SERIES", event_kind::occurrence),
             sample::make_event("contoso", "u-1", "O-2", 3, "UID-SERIES", event_kind::exception),
             sample::make_event("contoso", "u-1", "S-1", 4, "UID-SINGLE")};
  auto ack = commit_one(*store, a);
  CHECK(ack.upserted == 4);
  CHECK(ack.duplicates == 0);
  event_page b;
  b.link = {"fabrikam", "u-1", "calendar", sync_phase::paging, "p1", 0, 2, 0, 0, ""};
  b.items = {sample::make_event("fabrikam", "u-1", "FM-1", 5, "UID-SERIES", event_kind::series_master),
             sample::make_event("fabrikam", "u-1", "FS-1", 6, "UID-SINGLE")};
  ack = commit_one(*store, b);
  CHECK(ack.duplicates == 2);
  CHECK(ack.upserted == 0);
  size_t n = 0;
  REQUIRE(store->scan_events({}, [&](const event&) { return ++n, true; }));
  CHECK(n == 4);
}

TEST_CASE("the final page of a resync sweeps records the resync did not see",
          "[store][commit][resync]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto first = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 10);
  commit_one(*store, first);
  auto other_folder = sample::make_email_page("contoso", "u-1", "sentitems", 2, 0, 5);
  commit_one(*store, other_folder);
  auto other_user = sample::make_email_page("contoso", "u-2", "inbox", 3, 0, 5);
  commit_one(*store, other_user);
  // A duplicate source in the swept folder from the same tenant, folded into sentitems' record.
  auto alias = other_folder.items[0];
  alias.graph_id = "alias-in-inbox";
  alias.folder = "inbox";
  CHECK(commit_one(*store, page_of("contoso", "u-1", "inbox", {alias}, 4)).duplicates == 1);

  // 410 Gone: generation 1. The resync sees items 0..3 only, over two pages.
  email_page r1 = page_of("contoso", "u-1", "inbox", {first.items[0], first.items[1]}, 5);
  r1.link.phase = sync_phase::resync;
  r1.link.generation = 1;
  CHECK(commit_one(*store, r1).swept == 0);
  CHECK(count_emails(*store) == 20);
  email_page r2 = page_of("contoso", "u-1", "inbox", {first.items[2], first.items[3]}, 6);
  r2.link.phase = sync_phase::resync;
  r2.link.generation = 1;
  r2.final_page = true;
  auto ack = commit_one(*store, r2);
  CHECK(ack.swept == 7);  // six unseen records + the unseen alias
  // After the sweep the stream is caught up: a restart follows the delta link, no new sweep.
  auto stored_link = store->get_link("contoso", "u-1", "inbox");
  REQUIRE(stored_link);
  CHECK(stored_link->phase == sync_phase::caught_up);
  CHECK(stored_link->generation == 1);
  CHECK(count_emails(*store) == 14);
  for (int i = 0; i < 4; ++i)
    CHECK(store->get_email("contoso", "u-1", first.items[i].graph_id).has_value());
  for (int i = 4; i < 10; ++i)
    CHECK_FALSE(store->get_email("contoso", "u-1", first.items[i].graph_id).has_value());
  CHECK_FALSE(store->get_email("contoso", "u-1", "alias-in-inbox").has_value());
  // Other folders and users are untouched.
  CHECK(store->get_email("contoso", "u-1", other_folder.items[0].graph_id).has_value());
  CHECK(count_emails(*store) == 14);
  activity_query q;
  q.tenant = "contoso";
  q.user = "u-1";
  q.limit = 1000;
  CHECK(store->read_emails(q)->items.size() == 9);
}

TEST_CASE("a page's link is stored in the same transaction as its data",
          "[store][commit][atomic]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  options.initial_map_size = size_t{1} << 20;
  options.max_map_size = size_t{1} << 20;  // cannot grow: a big batch must fail as a whole
  auto store = std::move(lmdb_store::open(options)).value();
  auto small = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 5);
  commit_one(*store, small);
  auto big = sample::make_email_page("contoso", "u-1", "inbox", 2, 5, 400);
  write_batch batch;
  auto other = sample::make_email_page("contoso", "u-1", "sentitems", 3, 0, 3);
  batch.add(other);
  batch.add(big);
  auto result = store->commit(batch);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == status_code::map_full);
  // Not sticky: the store keeps working for batches that fit.
  CHECK(store->health());
  CHECK(store->get_link("contoso", "u-1", "inbox")->url == "page:1");
  CHECK(store->get_link("contoso", "u-1", "sentitems").error().code() == status_code::not_found);
  CHECK(count_emails(*store) == 5);
  commit_one(*store, other);
  CHECK(store->get_link("contoso", "u-1", "sentitems")->url == "page:3");
}

TEST_CASE("invalid input rejects the whole batch", "[store][commit][validation]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto good = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 3);
  auto check_rejected = [&](email_page bad) {
    write_batch batch;
    batch.add(good);
    batch.add(bad);
    auto result = store->commit(batch);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code() == status_code::invalid_argument);
    CHECK(count_emails(*store) == 0);
    CHECK_FALSE(store->get_link("contoso", "u-1", "inbox").has_value());
  };
  auto bad = good;
  bad.link.tenant = "";
  check_rejected(bad);
  bad = good;
  bad.link.tenant = "Contoso!";
  check_rejected(bad);
  bad = good;
  bad.link.user = "u 1";
  check_rejected(bad);
  bad = good;
  bad.link.user = "";
  check_rejected(bad);
  bad = good;
  bad.items[1].graph_id.clear();
  check_rejected(bad);
  bad = good;
  bad.removed_ids = {""};
  check_rejected(bad);
  bad = good;
  bad.items[0].tenant = "fabrikam";  // an item of another tenant on this tenant's page
  check_rejected(bad);
  bad = good;
  bad.link.folder.clear();
  check_rejected(bad);
  bad = good;
  bad.items[0].graph_id = std::string(1000, 'g');
  check_rejected(bad);
  CHECK(store->health());
}

TEST_CASE("each page writes one deterministic sync-log line", "[store][commit][log]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto p1 = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 2);
  auto p2 = sample::make_email_page("contoso", "u-2", "inbox", 2, 0, 2);
  p2.log = "inbox: custom line";
  commit_one(*store, p1);
  commit_one(*store, p2);
  commit_one(*store, p1);  // re-applied: same key, no second line
  auto log = store->read_sync_log("contoso", {}, 0, 10);
  REQUIRE(log.has_value());
  REQUIRE(log->size() == 2);
  CHECK(log->at(0).message == "inbox: custom line");  // newest first
  CHECK(log->at(1).message == "inbox: 2 emails, 0 removed");
  CHECK(store->read_sync_log("contoso", "u-1", 0, 10)->size() == 1);
  CHECK(store->read_sync_log("contoso", {}, p2.link.updated_at, 10)->size() == 1);
  CHECK(store->read_sync_log("fabrikam", {}, 0, 10)->empty());
}

TEST_CASE("calendar resyncs sweep unseen events and removals drop them",
          "[store][commit][resync][events]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  event_page first;
  first.link = {"contoso", "u-1", "calendar", sync_phase::caught_up, "delta:1", 0, 10, 0, 0, ""};
  for (int i = 0; i < 6; ++i)
    first.items.push_back(sample::make_event("contoso", "u-1", "E" + std::to_string(i), i));
  first.final_page = true;
  CHECK(commit_one(*store, first).upserted == 6);

  event_page removal;
  removal.link = first.link;
  removal.link.updated_at = 11;
  removal.removed_ids = {"E5"};
  CHECK(commit_one(*store, removal).removed == 1);
  CHECK_FALSE(store->get_event("contoso", "u-1", "E5").has_value());

  event_page resync;
  resync.link = {"contoso", "u-1", "calendar", sync_phase::resync, "delta:2", 1, 12, 0, 0, ""};
  resync.items = {first.items[0], first.items[1]};
  resync.final_page = true;
  auto ack = commit_one(*store, resync);
  CHECK(ack.swept == 3);
  activity_query q;
  q.tenant = "contoso";
  q.user = "u-1";
  auto left = store->read_events(q);
  REQUIRE(left.has_value());
  CHECK(left->items.size() == 2);
  CHECK(store->get_link("contoso", "u-1", "calendar")->generation == 1);
}

TEST_CASE("the time index follows time changes and removals within one transaction",
          "[store][commit][time]") {
  test::temp_directory dir;
  auto first = sample::make_email("contoso", "u-1", "inbox", "X", 1);
  auto later = first;
  later.received_at += 60'000;
  auto gone = sample::make_email("contoso", "u-1", "inbox", "Y", 2);
  {
    auto store = open_store(dir.path());
    // X twice in one page (its time changed in between), Y added and removed in one batch.
    auto p1 = page_of("contoso", "u-1", "inbox", {first, gone, later}, 1);
    auto p2 = page_of("contoso", "u-1", "inbox", {}, 2);
    p2.removed_ids = {"Y"};
    write_batch batch;
    batch.add(p1);
    batch.add(p2);
    REQUIRE(store->commit(batch).has_value());
    activity_query q;
    q.tenant = "contoso";
    q.user = "u-1";
    auto read = store->read_emails(q);
    REQUIRE(read.has_value());
    REQUIRE(read->items.size() == 1);
    CHECK(read->items[0].received_at == later.received_at);
    q.user.clear();
    CHECK(store->read_emails(q)->items.size() == 1);
  }
  // One item: its user key and its tenant-wide key, nothing of the old time or of Y.
  CHECK(test::dump_environment(dir.path()).at("by_time").size() == 2);
}
