// Schema 1 -> 2 (store/schema_migration.hpp): a store of the old layout, built by hand with raw
// LMDB (a dedupe entry per deduplicated item, no journal, version 1), opened for writing holds
// exactly what the same history gives in schema 2, and keeps deduplicating.
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>

#include <lmdb.h>

#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "store/record_codec.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;
using test::commit_one;

namespace {

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
}

/// Every (hash, record key) the journal must list: one per record with a dedupe id.
std::vector<std::pair<uint64_t, std::string>> expected_journal(const test::env_dump& dump) {
  std::vector<std::pair<uint64_t, std::string>> out;
  for (auto [db, k] : {std::pair{"emails", keys::kind::email}, std::pair{"events", keys::kind::event}}) {
    for (auto& [key, value] : dump.at(db)) {
      record_header header;
      REQUIRE(decode_header(value, db, header));
      if (header.dedupe_id.empty()) continue;
      keys::record_key_parts parts;
      REQUIRE(keys::parse_record_key(key, parts));
      std::string dedupe;
      keys::dedupe_key(dedupe, parts.user, k, header.dedupe_id);
      out.emplace_back(keys::dedupe_hash(dedupe), key);
    }
  }
  return out;
}

/// Rewrites a schema 2 store (built without removals) into the schema 1 layout: a dedupe entry
/// {owner, sources} for every record with a dedupe id, no journal, schema version 1.
void downgrade_to_schema_1(const std::string& path) {
  auto dump = test::dump_environment(path);
  MDB_env* env = nullptr;
  check(mdb_env_create(&env), "env create");
  mdb_env_set_maxdbs(env, 64);
  check(mdb_env_open(env, path.c_str(), MDB_NOTLS, 0600), "env open");
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env, nullptr, 0, &txn), "txn");
  MDB_dbi dedupe = 0;
  MDB_dbi journal = 0;
  MDB_dbi meta = 0;
  check(mdb_dbi_open(txn, "dedupe", 0, &dedupe), "open dedupe");
  check(mdb_dbi_open(txn, "dedupe_journal", 0, &journal), "open journal");
  check(mdb_dbi_open(txn, "meta", 0, &meta), "open meta");
  for (auto [db, k] : {std::pair{"emails", keys::kind::email}, std::pair{"events", keys::kind::event}}) {
    for (auto& [key, value] : dump.at(db)) {
      record_header header;
      if (!decode_header(value, db, header)) throw std::runtime_error("bad record");
      if (header.dedupe_id.empty()) continue;
      keys::record_key_parts parts;
      keys::parse_record_key(key, parts);
      std::string dedupe_key;
      keys::dedupe_key(dedupe_key, parts.user, k, header.dedupe_id);
      MDB_val dk{dedupe_key.size(), dedupe_key.data()};
      MDB_val dv{};
      int rc = mdb_get(txn, dedupe, &dk, &dv);
      if (rc == MDB_SUCCESS) continue;  // a group: the same in both layouts
      check(rc == MDB_NOTFOUND ? MDB_SUCCESS : rc, "get dedupe");
      std::string entry;
      encode_record(dedupe_entry{key, {key}}, entry);
      MDB_val ev{entry.size(), entry.data()};
      check(mdb_put(txn, dedupe, &dk, &ev, 0), "put dedupe");
    }
  }
  check(mdb_drop(txn, journal, 1), "drop journal");
  std::string version("\0\0\0\x01", 4);
  MDB_val vk{14, const_cast<char*>("schema_version")};
  MDB_val vv{4, version.data()};
  check(mdb_put(txn, meta, &vk, &vv, 0), "put version");
  check(mdb_txn_commit(txn), "commit");
  mdb_env_close(env);
}

email_page page_of(const std::string& tenant, const std::string& user, const std::string& folder,
                   std::vector<email> items, uint64_t page_no) {
  email_page page;
  page.link = {tenant, user, folder, sync_phase::paging, "page:" + std::to_string(page_no), 0,
               static_cast<timestamp_ms>(1000 + page_no), 0, 0, ""};
  for (auto& item : items) {
    item.tenant = tenant;
    item.folder = folder;
  }
  page.items = std::move(items);
  return page;
}

} // namespace

TEST_CASE("a schema 1 store is migrated to the dedupe journal at a read-write open",
          "[store][migration][journal]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  auto inbox = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 20);
  {
    auto store = std::move(lmdb_store::open(options)).value();
    commit_one(*store, inbox);
    // Groups: items 0..2 arrive through another tenant too, item 0 through a third folder.
    std::vector<email> twins(inbox.items.begin(), inbox.items.begin() + 3);
    for (auto& t : twins) t.graph_id = "F-" + t.graph_id;
    CHECK(commit_one(*store, page_of("fabrikam", "u-1", "inbox", twins, 2)).duplicates == 3);
    auto third = inbox.items[0];
    third.graph_id = "archived-copy";
    CHECK(commit_one(*store, page_of("contoso", "u-1", "archive", {third}, 3)).duplicates == 1);
    // More than one migration chunk for one user.
    commit_one(*store, sample::make_email_page("contoso", "u-3", "inbox", 4, 0, 1100));
    event_page events;
    events.link = {"contoso", "u-1", "calendar", sync_phase::paging, "page:5", 0, 1005, 0, 0, ""};
    events.items = {sample::make_event("contoso", "u-1", "E-1", 1, "UID-1"),
                    sample::make_event("contoso", "u-1", "E-2", 2, "UID-2")};
    write_batch batch;
    batch.add(events);
    REQUIRE(store->commit(batch).has_value());
  }
  auto current = test::dump_environment(dir.path());
  auto journal = expected_journal(current);
  REQUIRE(journal.size() == 20 + 1100 + 2);
  std::sort(journal.begin(), journal.end());
  REQUIRE(current.at("dedupe").size() == 3);

  downgrade_to_schema_1(dir.path());
  auto old_layout = test::dump_environment(dir.path());
  REQUIRE(old_layout.count("dedupe_journal") == 0);
  REQUIRE(old_layout.at("dedupe").size() == journal.size());

  // Reading only: refused, naming the way out.
  auto read_only = options;
  read_only.read_only = true;
  auto refused = lmdb_store::open(read_only);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == status_code::version_mismatch);
  CHECK_THAT(refused.error().message(), Catch::Contains("schema version 1") &&
                                          Catch::Contains("migrate"));

  auto store = lmdb_store::open(options);
  REQUIRE(store.has_value());
  store->reset();
  auto migrated = test::dump_environment(dir.path());
  auto migrated_journal = test::journal_entries(migrated);
  std::sort(migrated_journal.begin(), migrated_journal.end());
  CHECK(migrated_journal == journal);
  CHECK(migrated.at("dedupe_journal").size() == 1 + 2 + 1);  // u-1 emails, u-3 (2), u-1 events
  for (auto& [name, entries] : current) {
    if (name == "dedupe_journal") continue;
    INFO("database " << name);
    CHECK(migrated.at(name) == entries);
  }

  // And it keeps deduplicating: a single item finds its new twin, a lone source is removable,
  // a group still promotes its next source.
  auto reopened = std::move(lmdb_store::open(options)).value();
  auto twin = inbox.items[5];
  twin.graph_id = "F-5";
  CHECK(commit_one(*reopened, page_of("fabrikam", "u-1", "inbox", {twin}, 6)).duplicates == 1);
  CHECK(reopened->get_email("fabrikam", "u-1", "F-5")->graph_id == inbox.items[5].graph_id);
  auto removal = page_of("contoso", "u-1", "inbox", {}, 7);
  removal.removed_ids = {inbox.items[6].graph_id, inbox.items[0].graph_id};
  CHECK(commit_one(*reopened, removal).removed == 2);
  CHECK(reopened->get_email("fabrikam", "u-1", "F-" + inbox.items[0].graph_id)->graph_id ==
        "archived-copy");
  auto late = inbox.items[0];
  late.graph_id = "late-copy";
  CHECK(commit_one(*reopened, page_of("contoso", "u-1", "sentitems", {late}, 8)).duplicates == 1);
  CHECK(reopened->get_email("contoso", "u-1", "late-copy")->graph_id == "archived-copy");
}
