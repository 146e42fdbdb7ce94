// lmdb_store::purge, the admin removal of stored items (design.md section 3): it must leave the
// store exactly as Graph `@removed` of the same sources would, add one audit record, and be
// all-or-nothing.
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
                   std::vector<email> items, uint64_t page_no) {
  email_page page;
  page.link = {tenant, user, folder, sync_phase::paging, "page:" + std::to_string(page_no), 0,
               static_cast<timestamp_ms>(1000 + page_no), 0, 0, ""};
  page.items = std::move(items);
  return page;
}

/// Two tenants, two users, 40 emails in two folders, one email delivered through both tenants
/// (a dedupe owner with an alias) and three events.
void fill(lmdb_store& store) {
  commit_one(store, sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 20, "C-"));
  commit_one(store, sample::make_email_page("contoso", "u-2", "archive", 2, 0, 20, "D-"));
  auto owner = sample::make_email("contoso", "u-1", "inbox", "SHARED-C", 77, "<shared@x.example>");
  auto alias = sample::make_email("fabrikam", "u-1", "inbox", "SHARED-F", 78, "<shared@x.example>");
  commit_one(store, page_of("contoso", "u-1", "inbox", {owner}, 3));
  commit_one(store, page_of("fabrikam", "u-1", "inbox", {alias}, 4));
  event_page events;
  events.link = {"contoso", "u-1", "calendar", sync_phase::paging, "page:5", 0, 1005, 0, 0, ""};
  for (int i = 0; i < 3; ++i)
    events.items.push_back(
      sample::make_event("contoso", "u-1", "EV-" + std::to_string(i), 500 + i));
  commit_one(store, events);
}

/// The databases a purge and a `@removed` page must leave identical (links, sync log and audit
/// differ by design: a page moves its link and logs, a purge audits; meta holds the creation
/// time of each store).
test::env_dump data_of(test::env_dump dump) {
  dump.erase("meta");
  dump.erase("links");
  dump.erase("sync_log");
  dump.erase("audit");
  return dump;
}

const std::vector<activity_ref> purged = {
  {"contoso", "u-1", "C-contoso-u-1-inbox-3", false},     {"contoso", "u-1", "C-contoso-u-1-inbox-7", false},
  {"contoso", "u-2", "D-contoso-u-2-archive-0", false},     {"contoso", "u-1", "SHARED-C", false},
  {"contoso", "u-1", "EV-1", true},
};

} // namespace

TEST_CASE("a purge leaves the store exactly as Graph @removed of the same sources would",
          "[store][purge]") {
  test::temp_directory purged_dir, removed_dir;
  {
    auto store = open_store(purged_dir.path());
    fill(*store);
    REQUIRE(store->purge(purged, 9000, "cli", R"({"rule":"no-x","version":1})"));
    // The purged records are gone, by key and through the time index.
    CHECK(store->get_email("contoso", "u-1", "C-contoso-u-1-inbox-3").error().code() == status_code::not_found);
    CHECK(store->get_event("contoso", "u-1", "EV-1").error().code() == status_code::not_found);
    activity_query q;
    q.tenant = "contoso";
    q.user = "u-1";
    q.limit = 1000;
    auto page = store->read_emails(q);
    REQUIRE(page.has_value());
    for (auto& e : page->items) {
      CHECK(e.graph_id != "C-contoso-u-1-inbox-3");
      CHECK(e.graph_id != "C-contoso-u-1-inbox-7");
    }
    // The purged item is gone through every source: the other tenant's copy is not promoted.
    CHECK(store->get_email("fabrikam", "u-1", "SHARED-F").error().code() ==
          status_code::not_found);
    // Everything else is untouched.
    CHECK(store->get_email("contoso", "u-1", "C-contoso-u-1-inbox-4").has_value());
    CHECK(store->get_event("contoso", "u-1", "EV-0").has_value());
  }
  {
    auto store = open_store(removed_dir.path());
    fill(*store);
    auto removal = page_of("contoso", "u-1", "inbox", {}, 10);
    removal.removed_ids = {"C-contoso-u-1-inbox-3", "C-contoso-u-1-inbox-7", "SHARED-C"};
    commit_one(*store, removal);
    auto removal2 = page_of("contoso", "u-2", "archive", {}, 11);
    removal2.removed_ids = {"D-contoso-u-2-archive-0"};
    commit_one(*store, removal2);
    auto removal3 = page_of("fabrikam", "u-1", "inbox", {}, 13);
    removal3.removed_ids = {"SHARED-F"};
    commit_one(*store, removal3);
    event_page ev;
    ev.link = {"contoso", "u-1", "calendar", sync_phase::paging, "page:12", 0, 1012, 0, 0, ""};
    ev.removed_ids = {"EV-1"};
    commit_one(*store, ev);
  }
  auto after_purge = test::dump_environment(purged_dir.path());
  auto after_removed = test::dump_environment(removed_dir.path());
  CHECK(data_of(after_purge) == data_of(after_removed));
  // 41 emails and 3 events before; 4 emails and 1 event purged, with their index keys.
  CHECK(after_purge.at("emails").size() == 37);
  CHECK(after_purge.at("events").size() == 2);
  CHECK(after_purge.at("aliases").empty());
  // Exactly one audit record, with the caller's actor and details.
  REQUIRE(after_purge.at("audit").size() == 1);
  auto& audit_value = after_purge.at("audit").front().second;
  CHECK(audit_value.find("cli") != std::string::npos);
  CHECK(audit_value.find("purge") != std::string::npos);
  CHECK(audit_value.find(R"({"rule":"no-x","version":1})") != std::string::npos);
  // The links and sync log the pages wrote in fill() are untouched by the purge.
  test::temp_directory fresh;
  {
    auto store = open_store(fresh.path());
    fill(*store);
  }
  auto before = test::dump_environment(fresh.path());
  CHECK(before.at("emails").size() == 41);
  CHECK(before.at("aliases").size() == 1);
  // Two index keys (user and tenant) per purged record.
  CHECK(after_purge.at("by_time").size() == before.at("by_time").size() - 2 * 5);
  CHECK(after_purge.at("links") == before.at("links"));
  CHECK(after_purge.at("sync_log") == before.at("sync_log"));
}

TEST_CASE("a purge with one unknown or invalid ref writes nothing at all", "[store][purge]") {
  test::temp_directory dir;
  {
    auto store = open_store(dir.path());
    fill(*store);
  }
  auto before = test::dump_environment(dir.path());
  {
    auto store = open_store(dir.path());
    auto refs = purged;
    refs.push_back({"contoso", "u-1", "NO-SUCH-ID", false});
    auto s = store->purge(refs, 9000, "cli", "{}");
    CHECK(s.code() == status_code::not_found);
    CHECK_THAT(s.message(), Catch::Contains("NO-SUCH-ID"));
    // An email id given as an event is not a stored event either.
    s = store->purge({{"contoso", "u-1", "C-contoso-u-1-inbox-3", true}}, 9000, "cli", "{}");
    CHECK(s.code() == status_code::not_found);
    s = store->purge({{"contoso", "u-1", "C-contoso-u-1-inbox-3", false}, {"Bad Tenant!", "u-1", "C-contoso-u-1-inbox-4", false}},
                     9000, "cli", "{}");
    CHECK(s.code() == status_code::invalid_argument);
    s = store->purge({{"contoso", "u-1", "", false}}, 9000, "cli", "{}");
    CHECK(s.code() == status_code::invalid_argument);
    // The store keeps working after a refused purge.
    CHECK(store->health());
    CHECK(store->get_email("contoso", "u-1", "C-contoso-u-1-inbox-3").has_value());
  }
  CHECK(test::dump_environment(dir.path()) == before);
}

TEST_CASE("purging an alias source removes only that source and keeps the item",
          "[store][purge]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  fill(*store);
  REQUIRE(store->purge({{"fabrikam", "u-1", "SHARED-F", false}}, 9000, "cli", "{}"));
  auto owner = store->get_email("contoso", "u-1", "SHARED-C");
  REQUIRE(owner.has_value());
  CHECK(owner->graph_id == "SHARED-C");
  CHECK(store->get_email("fabrikam", "u-1", "SHARED-F").error().code() ==
        status_code::not_found);
  // Purging the owner now removes the last source: the dedupe entry goes with it.
  REQUIRE(store->purge({{"contoso", "u-1", "SHARED-C", false}}, 9001, "cli", "{}"));
  CHECK(store->get_email("contoso", "u-1", "SHARED-C").error().code() ==
        status_code::not_found);
}

TEST_CASE("purging the same item twice fails the second time and audits once",
          "[store][purge]") {
  test::temp_directory dir;
  {
    auto store = open_store(dir.path());
    fill(*store);
    REQUIRE(store->purge({{"contoso", "u-2", "D-contoso-u-2-archive-5", false}}, 9000, "cli", "{}"));
    CHECK(store->purge({{"contoso", "u-2", "D-contoso-u-2-archive-5", false}}, 9001, "cli", "{}").code() ==
          status_code::not_found);
    // An empty purge is only an audit line (the operator's action is still recorded).
    REQUIRE(store->purge({}, 9002, "cli", R"({"removed":0})"));
  }
  CHECK(test::dump_environment(dir.path()).at("audit").size() == 2);
}

TEST_CASE("a rule change puts, removes, purges and audits in one transaction or not at all",
          "[store][purge][rules]") {
  test::temp_directory dir;
  auto rule_of = [](const std::string& id, uint32_t version) {
    rule r;
    r.id = id;
    r.version = version;
    r.match = R"({"subject_contains":"x"})";
    return r;
  };
  {
    auto store = open_store(dir.path());
    fill(*store);
    REQUIRE(store->put_rule(rule_of("old", 1)));
    rule_change change;
    change.put = {rule_of("new", 1), rule_of("old", 2)};
    change.at = 9000;
    change.actor = "api:key-1";
    change.action = "rule.put";
    change.details = R"({"rule":"new"})";
    REQUIRE(store->change_rules(change));
    auto rules = store->list_rules();
    REQUIRE(rules.has_value());
    REQUIRE(rules->size() == 2);
    CHECK(rules->at(0).id == "new");
    CHECK(rules->at(1).version == 2);

    // One unknown id to remove: the purge and the put of the same change are not written.
    rule_change refused;
    refused.purge = {{"contoso", "u-1", "C-contoso-u-1-inbox-3", false}};
    refused.put = {rule_of("third", 1)};
    refused.remove = {"new", "no-such-rule"};
    refused.at = 9001;
    refused.action = "purge";
    auto s = store->change_rules(refused);
    CHECK(s.code() == status_code::not_found);
    CHECK_THAT(s.message(), Catch::Contains("no-such-rule"));
    CHECK(store->list_rules()->size() == 2);
    CHECK(store->get_email("contoso", "u-1", "C-contoso-u-1-inbox-3").has_value());

    refused.remove = {"new"};
    REQUIRE(store->change_rules(refused));
    rules = store->list_rules();
    REQUIRE(rules->size() == 2);
    CHECK(rules->at(0).id == "old");
    CHECK(rules->at(1).id == "third");
    CHECK(store->get_email("contoso", "u-1", "C-contoso-u-1-inbox-3").error().code()
          == status_code::not_found);
  }
  auto audit = test::dump_environment(dir.path()).at("audit");
  REQUIRE(audit.size() == 2);  // one record per committed change, none for the refused one
  CHECK(audit[0].second.find("api:key-1") != std::string::npos);
  CHECK(audit[1].second.find("purge") != std::string::npos);
}
