// Acceptance: the store survives SIGKILL at any point. A child process (store_crash_writer)
// commits pages forever and prints every acknowledged page; this test kills it at seeded random
// points, reopens the store and checks that every acknowledged page is there, nothing is
// duplicated and no link is ahead of its data. The next child resumes from the stored links.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/byte_reader.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "tests/store/crash_layout.hpp"
#include "tests/store/store_fixture.hpp"

extern char** environ;

using namespace m365;

namespace {

/// A running store_crash_writer with its stdout on a pipe.
struct child {
  pid_t pid = -1;
  int out = -1;
  int in = -1;
  std::string pending;  ///< bytes of an incomplete line
};

/// Starts store_crash_writer with `mode` (a seed, or "hold-reader"); its stdin is a pipe that
/// stays open (and empty) until the child dies.
child spawn_writer(const std::string& store_dir, const std::string& mode) {
  int out[2];
  int in[2];
  REQUIRE(::pipe(out) == 0);
  REQUIRE(::pipe(in) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  for (int fd : {out[0], out[1], in[0], in[1]}) posix_spawn_file_actions_addclose(&actions, fd);
  std::string program = STORE_CRASH_WRITER;
  std::string arg = mode;
  char* argv[] = {program.data(), const_cast<char*>(store_dir.c_str()), arg.data(), nullptr};
  child c;
  int rc = posix_spawn(&c.pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(in[0]);
  REQUIRE(rc == 0);
  c.out = out[0];
  c.in = in[1];
  return c;
}

/// Kills `c` with SIGKILL, closes its pipes and reaps it; true when SIGKILL is what ended it.
bool kill_and_reap(child& c) {
  ::kill(c.pid, SIGKILL);
  ::close(c.out);
  ::close(c.in);
  int wstatus = 0;
  if (::waitpid(c.pid, &wstatus, 0) != c.pid) return false;
  return WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL;
}

/// Reads acknowledgement lines into `acked` until `want` more arrived or EOF; returns how many.
size_t read_acks(child& c, size_t want, std::map<size_t, uint64_t>& acked, size_t& total) {
  size_t got = 0;
  char buf[4096];
  while (want == 0 || got < want) {
    auto n = ::read(c.out, buf, sizeof(buf));
    if (n <= 0) break;  // EOF: the child is gone
    c.pending.append(buf, static_cast<size_t>(n));
    size_t pos;
    while ((pos = c.pending.find('\n')) != std::string::npos) {
      auto line = c.pending.substr(0, pos);
      c.pending.erase(0, pos + 1);
      auto space = line.find(' ');
      size_t stream = std::stoul(line.substr(0, space));
      uint64_t page = std::stoull(line.substr(space + 1));
      auto& max = acked[stream];
      max = std::max(max, page + 1);  // stored as count of pages acknowledged
      ++got;
      ++total;
    }
  }
  return got;
}

void busy_wait(std::chrono::microseconds d) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
  }
}

/// Checks every invariant of the store against the acknowledged pages; returns the number of
/// pages stored per stream.
std::vector<uint64_t> verify(const std::string& dir, const std::map<size_t, uint64_t>& acked,
                             uint64_t& stale_readers) {
  store_options options;
  options.path = dir;
  auto opened = lmdb_store::open(options);
  REQUIRE(opened.has_value());
  auto& store = *opened.value();
  stale_readers += store.stats().stale_readers_cleared;
  REQUIRE(store.health());

  std::vector<uint64_t> stored(crash::stream_count, 0);  // pages present per stream
  for (size_t i = 0; i < crash::stream_count; ++i) {
    auto s = crash::stream_at(i);
    auto link = store.get_link(s.tenant, s.user, s.folder);
    if (link) stored[i] = std::stoull(link->url.substr(5)) + 1;
    else REQUIRE(link.error().code() == status_code::not_found);
    auto a = acked.find(i);
    INFO("stream " << i);
    // Every acknowledged page is stored.
    if (a != acked.end()) REQUIRE(stored[i] >= a->second);
  }

  // Exactly the records the stored pages imply: all pages up to the link, nothing after.
  std::map<std::string, size_t> shared_ids;  // user|message id -> records holding it
  std::set<std::string> seen;
  size_t records = 0;
  bool duplicate_graph_id = false;
  REQUIRE(store.scan_emails({}, [&](const email& e) {
    ++records;
    if (!seen.insert(e.tenant + "|" + e.user + "|" + e.graph_id).second) duplicate_graph_id = true;
    if (e.internet_message_id.rfind("<shared-", 0) == 0)
      ++shared_ids[e.user + "|" + e.internet_message_id];
    return true;
  }));
  CHECK_FALSE(duplicate_graph_id);
  size_t expected_records = 0;
  for (size_t i = 0; i < crash::stream_count; ++i) {
    auto s = crash::stream_at(i);
    uint64_t n = stored[i];
    if (n > 0)
      expected_records +=
        (n - 1) * (crash::items_per_page - crash::removed_per_page) + crash::items_per_page;
    for (uint64_t p = 0; p < n; ++p) {
      for (size_t item = 0; item < crash::items_per_page; ++item) {
        bool present = store.get_email(s.tenant, s.user, crash::item_id(i, p, item)).has_value();
        // Items 0..removed_per_page-1 of a page are removed by the next page.
        bool want = item >= crash::removed_per_page || p + 1 == n;
        if (present != want) {
          INFO("stream " << i << " page " << p << " item " << item);
          CHECK(present == want);
        }
      }
    }
    // Nothing of the page after the link.
    CHECK_FALSE(store.get_email(s.tenant, s.user, crash::item_id(i, n, 1)).has_value());
  }
  // The shared message of a user/folder/page is one record if either tenant stored the page.
  for (size_t i = 0; i < crash::stream_count; ++i) {
    if ((i & 1) != 0) continue;  // contoso streams; i | 1 is fabrikam's twin
    auto s = crash::stream_at(i);
    uint64_t pages = std::max(stored[i], stored[i | 1]);
    expected_records += pages;
    for (uint64_t p = 0; p < pages; ++p) {
      auto key = s.user + "|" + crash::shared_message_id(s.user, s.folder, p);
      if (shared_ids[key] != 1) {
        INFO("shared message " << key);
        CHECK(shared_ids[key] == 1);
      }
    }
  }
  CHECK(records == expected_records);
  // One sync-log line per stored page, none twice.
  size_t log_lines = 0;
  for (auto tenant : {"contoso", "fabrikam"})
    log_lines += store.read_sync_log(tenant, {}, 0, 0)->size();
  size_t pages_total = 0;
  for (auto n : stored) pages_total += n;
  CHECK(log_lines == pages_total);
  return stored;
}

/// The dedupe journal after a kill (the store closed): every entry names a stored record or is
/// counted stale, whether the kill landed in a compaction or not. Returns how many of the
/// removed records' entries compactions took away.
uint64_t check_journal(const std::string& dir, const std::vector<uint64_t>& stored) {
  auto dump = test::dump_environment(dir);
  uint64_t stale = 0;
  for (auto& [key, value] : dump["dedupe_journal"]) {
    if (!keys::is_journal_counter_key(key)) continue;
    byte_reader r(value);
    REQUIRE(r.u8() == 1);
    stale += r.varint();
    REQUIRE(r.done());
  }
  uint64_t entries = test::journal_entries(dump).size();
  // Every stored email is an owner (the shared twins are aliases), listed once.
  CHECK(entries == dump["emails"].size() + stale);
  uint64_t removed = 0;
  for (auto n : stored) removed += n > 0 ? (n - 1) * crash::removed_per_page : 0;
  REQUIRE(stale <= removed);
  return removed - stale;
}

} // namespace

TEST_CASE("every acknowledged page survives SIGKILL at random points", "[store][crash]") {
  test::temp_directory dir;
  const auto store_dir = dir.file("store");
  // `make soak` runs this with more kills and another seed (see tests/store/CMakeLists.txt).
  const uint64_t seed = std::getenv("M365_CRASH_SEED")
                          ? std::strtoull(std::getenv("M365_CRASH_SEED"), nullptr, 10)
                          : 20261126;
  const int runs = std::getenv("M365_CRASH_KILLS") ? std::atoi(std::getenv("M365_CRASH_KILLS"))
                                                   : 100;
  std::mt19937_64 rng{seed};
  std::map<size_t, uint64_t> acked;
  size_t kills = 0;
  size_t total_acks = 0;
  uint64_t stale_readers = 0;
  auto started = std::chrono::steady_clock::now();
  std::vector<uint64_t> stored;
  uint64_t compacted = 0;  // entries of removed records that compactions took away
  for (int run = 0; run < runs; ++run) {
    auto c = spawn_writer(store_dir, std::to_string(seed + static_cast<uint64_t>(run)));
    // Kill point: after K acknowledged pages plus a random busy delay (0..6 ms), so kills land
    // during open, inside commits, between commits and while acks are written.
    size_t k = rng() % 12;
    auto delay = std::chrono::microseconds(rng() % 6000);
    if (k > 0) read_acks(c, k, acked, total_acks);
    busy_wait(delay);
    REQUIRE(::kill(c.pid, SIGKILL) == 0);
    read_acks(c, 0, acked, total_acks);  // drain acks written before death
    ::close(c.out);
    ::close(c.in);
    int wstatus = 0;
    REQUIRE(::waitpid(c.pid, &wstatus, 0) == c.pid);
    // The child must have died by our signal, never by an error of its own.
    INFO("run " << run << " wait status " << wstatus);
    REQUIRE(WIFSIGNALED(wstatus));
    REQUIRE(WTERMSIG(wstatus) == SIGKILL);
    ++kills;
    stored = verify(store_dir, acked, stale_readers);
    compacted = check_journal(store_dir, stored);
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  size_t pages = 0;
  for (auto n : stored) pages += n;
  WARN("crash test: " << kills << " kills, " << total_acks << " acknowledged pages, " << pages
                      << " pages stored, " << compacted << " entries compacted away, "
                      << stale_readers << " stale readers cleared, "
                      << seconds << " s");
  CHECK(kills >= 50);
  CHECK(total_acks > 100);
  CHECK(compacted > 0);
  // A recovery that got slow would show here: 100 kills take a few seconds; every check reads
  // the whole store, which grows with the kills (2 000 kills of `make soak`: about 5 minutes).
  CHECK(seconds < 0.6 * runs);
}

TEST_CASE("a reader slot left by a killed process is cleared by check_readers",
          "[store][crash][readers]") {
  test::temp_directory dir;
  const auto store_dir = dir.file("store");
  store_options options;
  options.path = store_dir;
  auto store = std::move(lmdb_store::open(options)).value();
  {
    auto page = crash::make_page(0, 0);
    write_batch batch;
    batch.add(page);
    REQUIRE(store->commit(batch).has_value());
  }
  auto c = spawn_writer(store_dir, "hold-reader");
  std::string line;
  char byte;
  while (line != "reading\n" && ::read(c.out, &byte, 1) == 1) line += byte;
  REQUIRE(line == "reading\n");  // the child sits inside a read transaction now
  REQUIRE(kill_and_reap(c));
  auto cleared = store->check_readers();
  REQUIRE(cleared.has_value());
  CHECK(cleared.value() == 1);
  CHECK(store->stats().stale_readers_cleared == 1);
  CHECK(store->check_readers().value() == 0);
  // The store goes on as before.
  auto page = crash::make_page(0, 1);
  write_batch batch;
  batch.add(page);
  CHECK(store->commit(batch).has_value());
}
