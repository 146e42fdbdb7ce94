// The store grows its map on demand and takes consistent online backups while a writer runs.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "store/lmdb_store.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;

namespace {

constexpr size_t items_per_page = 20;

/// The page number in a link url "page:<n>".
uint64_t page_number(const std::string& url) { return std::stoull(url.substr(5)); }

} // namespace

TEST_CASE("a store opened with a 1 MiB map grows to hold megabytes of mail",
          "[store][growth]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  options.initial_map_size = size_t{1} << 20;
  auto store = std::move(lmdb_store::open(options)).value();
  size_t total = 0;
  for (uint64_t p = 0; p < 25; ++p) {
    auto page = sample::make_email_page("contoso", "u-" + std::to_string(p % 3), "inbox", p,
                                        p * 100, 100);
    write_batch batch;
    batch.add(page);
    auto acks = store->commit(batch);
    REQUIRE(acks.has_value());
    total += acks->front().upserted;
  }
  auto stats = store->stats();
  CHECK(total == 2500);
  CHECK(stats.emails == 2500);
  CHECK(stats.map_growths > 0);
  CHECK(stats.map_size > options.initial_map_size);
  CHECK(stats.used_bytes > size_t{8} << 20);  // ~4 KB per email, really stored
  size_t n = 0;
  REQUIRE(store->scan_emails("contoso", [&](const email& e) {
    n += e.body.size() >= 3000 ? 1 : 0;
    return true;
  }));
  CHECK(n == 2500);
}

TEST_CASE("readers on other threads keep working while the writer grows the map",
          "[store][growth][threads]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.path();
  options.initial_map_size = size_t{1} << 20;
  auto store = std::move(lmdb_store::open(options)).value();
  {
    auto first = sample::make_email_page("contoso", "u-1", "inbox", 0, 0, 10);
    write_batch batch;
    batch.add(first);
    REQUIRE(store->commit(batch).has_value());
  }
  std::atomic<bool> done{false};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      activity_query q;
      q.tenant = "contoso";
      q.user = "u-1";
      q.limit = 20;
      // Every read sees a committed state: the link's page and its ten emails together.
      while (!done.load()) {
        auto link = store->get_link("contoso", "u-1", "inbox");
        auto page = store->read_emails(q);
        size_t n = 0;
        auto scanned = store->scan_emails("contoso", [&](const email& e) {
          n += e.body.empty() ? 0 : 1;
          return true;
        });
        if (!link || !page || !scanned || page->items.empty() || n % 10 != 0) ++failures;
        reads.fetch_add(1);
      }
    });
  }
  for (uint64_t p = 1; p < 40; ++p) {
    auto page = sample::make_email_page("contoso", "u-1", "inbox", p, p * 10, 10);
    write_batch batch;
    batch.add(page);
    REQUIRE(store->commit(batch).has_value());
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(failures.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(store->stats().map_growths > 0);
  CHECK(store->stats().emails == 400);
}

TEST_CASE("a backup taken while pages are committed holds a consistent prefix",
          "[store][backup]") {
  test::temp_directory dir;
  store_options options;
  options.path = dir.file("store");
  options.initial_map_size = size_t{1} << 20;  // growth happens during the run as well
  auto store = std::move(lmdb_store::open(options)).value();

  std::mutex mutex;
  std::condition_variable progressed;
  uint64_t committed = 0;
  std::atomic<bool> stop{false};
  std::string writer_error;  // set by the writer thread before it stops (Catch2 is not thread-safe)
  std::thread writer([&] {
    const char* folders[] = {"inbox", "sentitems", "archive"};
    for (uint64_t p = 0; !stop.load(); ++p) {
      auto folder = folders[p % 3];
      uint64_t folder_page = p / 3;
      auto page = sample::make_email_page("contoso", "u-1", folder, folder_page,
                                          folder_page * items_per_page, items_per_page);
      write_batch batch;
      batch.add(page);
      auto acks = store->commit(batch);
      std::lock_guard<std::mutex> guard(mutex);
      if (!acks) {
        writer_error = acks.error().to_string();
        progressed.notify_all();
        return;
      }
      ++committed;
      progressed.notify_all();
    }
  });
  // Waits until `more` further pages have been committed; returns the total.
  auto wait_for_more = [&](uint64_t more) {
    std::unique_lock<std::mutex> lock(mutex);
    uint64_t target = committed + more;
    progressed.wait(lock, [&] { return committed >= target || !writer_error.empty(); });
    return committed;
  };
  wait_for_more(30);
  REQUIRE(store->backup_to(dir.file("backup1")));
  auto after_first = wait_for_more(10);
  REQUIRE(store->backup_to(dir.file("backup2")));
  stop = true;
  writer.join();
  REQUIRE(writer_error.empty());
  CHECK(after_first >= 40);
  CHECK(store->backup_to(dir.file("backup2")).code() == status_code::already_exists);

  for (auto name : {"backup1", "backup2"}) {
    INFO(name);
    store_options backup_options;
    backup_options.path = dir.file(name);
    backup_options.read_only = true;
    auto backup = lmdb_store::open(backup_options);
    REQUIRE(backup.has_value());
    auto links = (*backup)->list_links("contoso");
    REQUIRE(links.has_value());
    REQUIRE(links->size() == 3);
    std::map<std::string, size_t> per_folder;
    REQUIRE((*backup)->scan_emails("contoso", [&](const email& e) {
      ++per_folder[e.folder];
      return true;
    }));
    size_t pages = 0;
    for (auto& link : *links) {
      auto n = page_number(link.url);
      pages += n + 1;
      // Every page up to the link's is there, and nothing beyond it.
      CHECK(per_folder[link.folder] == (n + 1) * items_per_page);
    }
    CHECK(pages >= 30);
    CHECK((*backup)->read_sync_log("contoso", {}, 0, 0)->size() == pages);
  }
}
