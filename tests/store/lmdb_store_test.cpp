// The store's reads, configuration records, tenant isolation through the public API, the schema
// check at open and the sticky fatal error.
#include <catch2/catch.hpp>

#include <set>

#include <sys/wait.h>
#include <unistd.h>

#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;
using test::commit_one;
using test::open_store;

namespace {

} // namespace

TEST_CASE("a read of tenant a never returns data of tenant ab", "[store][isolation]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  commit_one(*store, sample::make_email_page("a", "u-1", "inbox", 1, 0, 7));
  commit_one(*store, sample::make_email_page("ab", "u-1", "inbox", 2, 0, 9));
  commit_one(*store, sample::make_email_page("b", "u-1", "inbox", 3, 0, 4));
  REQUIRE(store->put_user({"u-1", "a", "u1@a.example", {}, 1}));
  REQUIRE(store->put_user({"u-2", "ab", "u2@ab.example", {}, 1}));

  std::set<std::string> tenants;
  size_t n = 0;
  REQUIRE(store->scan_emails("a", [&](const email& e) {
    tenants.insert(e.tenant);
    return ++n, true;
  }));
  CHECK(n == 7);
  CHECK(tenants == std::set<std::string>{"a"});

  activity_query q;
  q.tenant = "a";
  q.limit = 1000;
  auto page = store->read_emails(q);
  REQUIRE(page.has_value());
  CHECK(page->items.size() == 7);
  for (auto& e : page->items) CHECK(e.tenant == "a");
  q.user = "u-1";
  CHECK(store->read_emails(q)->items.size() == 7);

  auto links = store->list_links("a");
  REQUIRE(links.has_value());
  REQUIRE(links->size() == 1);
  CHECK(links->front().tenant == "a");
  CHECK(store->read_sync_log("a", {}, 0, 100)->size() == 1);
  auto users = store->list_users("a");
  REQUIRE(users->size() == 1);
  CHECK(users->front().user == "u-1");
  CHECK(store->list_users({})->size() == 2);

  // A cursor from tenant ab's read cannot continue inside tenant a (or vice versa).
  activity_query qab;
  qab.tenant = "ab";
  qab.limit = 2;
  auto first = store->read_emails(qab);
  REQUIRE_FALSE(first->next_cursor.empty());
  q.user.clear();
  q.cursor = first->next_cursor;
  CHECK(store->read_emails(q).error().code() == status_code::invalid_argument);
}

TEST_CASE("emails read by time come oldest first in pages joined by the cursor",
          "[store][reads]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto p1 = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 30);
  auto p2 = sample::make_email_page("contoso", "u-2", "inbox", 2, 0, 30);
  commit_one(*store, p1);
  commit_one(*store, p2);

  for (std::string user : {"", "u-1"}) {
    activity_query q;
    q.tenant = "contoso";
    q.user = user;
    q.limit = 7;
    std::vector<email> all;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = store->read_emails(q);
      REQUIRE(page.has_value());
      all.insert(all.end(), page->items.begin(), page->items.end());
      if (page->next_cursor.empty()) break;
      CHECK(page->items.size() == 7);
      q.cursor = page->next_cursor;
    }
    INFO("user '" << user << "'");
    CHECK(all.size() == (user.empty() ? 60u : 30u));
    for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].received_at <= all[i].received_at);
  }

  // A window [since, until) selects by received time.
  auto times = std::vector<int64_t>{};
  for (auto& e : p1.items) times.push_back(e.received_at);
  std::sort(times.begin(), times.end());
  activity_query q;
  q.tenant = "contoso";
  q.user = "u-1";
  q.since = times[10];
  q.until = times[20];
  q.limit = 100;
  CHECK(store->read_emails(q)->items.size() == 10);
  q.limit = 0;
  CHECK(store->read_emails(q).error().code() == status_code::invalid_argument);
}

TEST_CASE("an upsert that changes the received time moves the email in the time index",
          "[store][reads]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  auto page = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 1);
  page.items[0].received_at = 1000;
  commit_one(*store, page);
  page.items[0].received_at = 5000;
  page.items[0].subject = "changed";
  commit_one(*store, page);
  activity_query q;
  q.tenant = "contoso";
  auto all = store->read_emails(q);
  REQUIRE(all->items.size() == 1);
  CHECK(all->items[0].subject == "changed");
  q.until = 2000;
  CHECK(store->read_emails(q)->items.empty());
}

TEST_CASE("configuration records are stored, listed and deleted", "[store][config]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  tenant_settings t;
  t.id = "contoso";
  t.display_name = "Contoso";
  REQUIRE(store->put_tenant(t));
  t.id = "fabrikam";
  REQUIRE(store->put_tenant(t));
  CHECK(store->list_tenants()->size() == 2);
  CHECK(store->get_tenant("contoso")->display_name == "Contoso");
  REQUIRE(store->put_sealed_credential("contoso", std::string("\x01sealed\x00bytes", 13)));
  CHECK(store->get_sealed_credential("contoso").value() == std::string("\x01sealed\x00bytes", 13));
  REQUIRE(store->delete_tenant("contoso"));
  CHECK(store->get_tenant("contoso").error().code() == status_code::not_found);
  CHECK(store->get_sealed_credential("contoso").error().code() == status_code::not_found);
  CHECK(store->delete_tenant("contoso").code() == status_code::not_found);
  CHECK(store->put_tenant(tenant_settings{}).code() == status_code::invalid_argument);

  REQUIRE(store->put_user({"u-1", "contoso", "adele@contoso.com", {}, 1}));
  REQUIRE(store->put_user({"u-1", "fabrikam", "adele@fabrikam.com", "contoso", 2}));
  CHECK(store->list_users("contoso")->empty());
  CHECK(store->list_users("fabrikam")->size() == 1);
  CHECK(store->get_user("u-1")->moving_from == "contoso");
  REQUIRE(store->delete_user("u-1"));
  CHECK(store->list_users("fabrikam")->empty());

  rule r;
  r.id = "no-newsletters";
  r.match = R"({"subject_contains":"Newsletter"})";
  REQUIRE(store->put_rule(r));
  CHECK(store->list_rules()->size() == 1);
  REQUIRE(store->delete_rule("no-newsletters"));
  CHECK(store->list_rules()->empty());

  REQUIRE(store->append_audit(10, "admin", "tenant.create", R"({"id":"contoso"})"));
  REQUIRE(store->append_audit(10, "admin", "tenant.enable", R"({"id":"contoso"})"));
  REQUIRE(store->append_sync_log({"fabrikam", "", 7, log_level::error, "AADSTS7000215"}));
  REQUIRE(store->append_sync_log({"fabrikam", "", 7, log_level::error, "AADSTS7000215"}));
  CHECK(store->read_sync_log("fabrikam", {}, 0, 0)->size() == 1);
  store.reset();
  auto dump = test::dump_environment(dir.path());
  CHECK(dump.at("audit").size() == 2);
}

TEST_CASE("opening a store of another schema version fails naming both versions",
          "[store][open]") {
  test::temp_directory dir;
  open_store(dir.path()).reset();
  test::raw_put(dir.path(), "meta", "schema_version", std::string("\0\0\0\x07", 4));
  store_options options;
  options.path = dir.path();
  auto reopened = lmdb_store::open(options);
  REQUIRE_FALSE(reopened.has_value());
  CHECK(reopened.error().code() == status_code::version_mismatch);
  CHECK_THAT(reopened.error().message(),
             Catch::Contains("schema version 7") &&
               Catch::Contains("schema version " + std::to_string(lmdb_store::schema_version)));
}

TEST_CASE("a store migrated by another build while this one has it open gets no more writes",
          "[store][open]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  REQUIRE(store->append_sync_log({"contoso", "", 1, log_level::info, "before"}));
  // Another process (a newer build) writes its schema version.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    test::raw_put(dir.path(), "meta", "schema_version", std::string("\0\0\0\x07", 4));
    ::_exit(0);
  }
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFEXITED(wstatus));
  REQUIRE(WEXITSTATUS(wstatus) == 0);
  auto s = store->append_sync_log({"contoso", "", 2, log_level::info, "after"});
  CHECK(s.code() == status_code::version_mismatch);
  CHECK_THAT(s.message(), Catch::Contains("now 7"));
  // Sticky: nothing later is written either, and health says why.
  CHECK(store->append_sync_log({"contoso", "", 3, log_level::info, "later"}).code() ==
        status_code::version_mismatch);
  CHECK_FALSE(store->health());
  CHECK(store->read_sync_log("contoso", {}, 0, 0)->size() == 1);
}

TEST_CASE("a read-only open of a missing store fails cleanly", "[store][open]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.file("missing");
  options.read_only = true;
  CHECK(lmdb_store::open(options).error().code() == status_code::not_found);
}

TEST_CASE("a corrupted stored record stops every later write with the same error",
          "[store][sticky]") {
  test::temp_directory dir;
  auto page = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 3);
  {
    auto store = open_store(dir.path());
    commit_one(*store, page);
  }
  // A truncated record, as a torn or foreign write would leave it.
  test::raw_put(dir.path(), "emails", keys::record_key("contoso", "u-1", page.items[1].graph_id),
          std::string("\x01\x00\x00", 3));
  auto store = open_store(dir.path());
  CHECK(store->health());
  auto update = sample::make_email_page("contoso", "u-1", "inbox", 2, 0, 3);
  auto other = sample::make_email_page("fabrikam", "u-9", "inbox", 3, 0, 2);
  write_batch batch;
  batch.add(other);  // applied first in the batch, must not survive
  batch.add(update);
  auto result = store->commit(batch);
  REQUIRE_FALSE(result.has_value());
  auto fatal = result.error();
  CHECK(fatal.code() == status_code::corrupted);
  CHECK(store->health().code() == status_code::corrupted);
  CHECK(store->health().message() == fatal.message());
  // Every later write fails with that error, however harmless.
  write_batch harmless;
  harmless.add(other);
  CHECK(store->commit(harmless).error().message() == fatal.message());
  tenant_settings harmless_tenant;
  harmless_tenant.id = "ok-tenant";
  CHECK(store->put_tenant(harmless_tenant).message() == fatal.message());
  CHECK(store->append_audit(1, "a", "b", "{}").message() == fatal.message());
  CHECK(store->get_link("fabrikam", "u-9", "inbox").error().code() == status_code::not_found);
  // Reads of intact data still work; the broken record reports itself.
  CHECK(store->get_email("contoso", "u-1", page.items[0].graph_id).has_value());
  CHECK(store->get_email("contoso", "u-1", page.items[1].graph_id).error().code() ==
        status_code::corrupted);
}

TEST_CASE("a stored record of a newer version is refused, not misread", "[store][sticky]") {
  test::temp_directory dir;
  auto page = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 1);
  open_store(dir.path()).reset();
  {
    auto store = open_store(dir.path());
    commit_one(*store, page);
  }
  test::raw_put(dir.path(), "links", keys::link_key("contoso", "u-1", "inbox"), std::string("\x09", 1));
  auto store = open_store(dir.path());
  auto link = store->get_link("contoso", "u-1", "inbox");
  CHECK(link.error().code() == status_code::version_mismatch);
  CHECK(store->health().code() == status_code::version_mismatch);
}
