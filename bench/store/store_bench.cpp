// lmdb_store::commit against raw LMDB puts of the same bytes, in the same binary with the same
// environment flags (MDB_NOTLS, plus MDB_NOSYNC when the second argument is 1). MDB_NOSYNC rates
// are per CPU second (CPU-bound, robust on a shared machine), durable rates per wall second.
//
//   BM_store_commit/<page>/<nosync>/<ids>: one commit(batch) of a page of realistic ~4 KB
//     emails with fresh Graph ids and internetMessageIds (inserts, dedupe, time index, link,
//     sync-log line).
//   BM_raw_put/<page>/<nosync>/<ids>: one write transaction per page, mdb_put of each email's
//     serialized record (the bytes the store writes) under the same record key.
// <ids> = 0: Graph ids and internetMessageIds look random, as real ones do;
//         1: sequential ids: every key lands at the right edge of its B-tree (the most
//            favourable case for raw puts, kept for comparison).
// Either way a page covers consecutive received times (a folder walked newest first).
// Preparing the next page (new ids, keys) is excluded from the timing in both.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <lmdb.h>

#include "store/digest.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "store/record_codec.hpp"
#include "tests/store/sample_data.hpp"

using namespace m365;

namespace {

constexpr size_t map_size = size_t{8} << 30;  // no growth inside the timed loops
constexpr size_t distinct_emails = 1000;

/// A fresh directory, removed on destruction.
class bench_dir {
public:
  bench_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/m365-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~bench_dir() {
    if (std::getenv("M365_BENCH_KEEP") != nullptr) return;  // for mdb_stat -a afterwards
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

/// The sample emails every benchmark cycles through (generated once).
const std::vector<email>& samples() {
  static const std::vector<email> emails = [] {
    std::vector<email> out;
    for (size_t i = 0; i < distinct_emails; ++i)
      out.push_back(sample::make_email("contoso", "u-1001", "inbox", "seed", 7919 * i + 1));
    return out;
  }();
  return emails;
}

std::string hex_hash(const std::string& text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto byte : sha256(text)) {
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

/// A Graph-id-like string of the usual immutable id length (150 bytes) numbered `n`.
std::string graph_id(uint64_t n, bool sequential) {
  std::string id = "AAMkAGI2TG93AAA";
  if (sequential) {
    id += std::to_string(n);
  } else {
    auto text = std::to_string(n);
    id += hex_hash(text) + hex_hash(text + "/");
  }
  id.resize(150, 'A');
  return id;
}

std::string message_id(uint64_t n, bool sequential) {
  if (sequential) return "<" + std::to_string(n) + ".bench@contoso.com>";
  return "<" + hex_hash("m" + std::to_string(n)).substr(0, 32) + "@mail.client.example>";
}

constexpr timestamp_ms newest = 1'800'000'000'000;

void BM_store_commit(benchmark::State& state) {
  const size_t page_size = static_cast<size_t>(state.range(0));
  bench_dir dir;
  store_options options;
  options.path = dir.path();
  options.initial_map_size = map_size;
  options.no_sync = state.range(1) != 0;
  auto opened = lmdb_store::open(options);
  if (!opened) {
    state.SkipWithError(opened.error().to_string().c_str());
    return;
  }
  auto& store = *opened.value();
  const bool sequential = state.range(2) != 0;
  email_page page;
  page.link = {"contoso", "u-1001", "inbox", sync_phase::paging, "", 0, 0, 0, 0, ""};
  for (size_t i = 0; i < page_size; ++i) page.items.push_back(samples()[i % distinct_emails]);
  uint64_t next = 0;
  uint64_t page_no = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& item : page.items) {
      item.graph_id = graph_id(next, sequential);
      item.internet_message_id = message_id(next, sequential);
      item.received_at = newest - static_cast<timestamp_ms>(next) * 60'000;
      ++next;
    }
    page.link.url = "https://graph.microsoft.com/v1.0/me/messages/delta?$skiptoken=" +
                    std::to_string(++page_no);
    page.link.updated_at = static_cast<timestamp_ms>(page_no);
    write_batch batch;
    batch.add(page);
    state.ResumeTiming();
    auto acks = store.commit(batch);
    if (!acks || acks->front().upserted != page_size) {
      state.SkipWithError("commit failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * page_size));
  state.counters["no_sync"] = static_cast<double>(options.no_sync);
}

void check(int rc, benchmark::State& state, const char* what) {
  if (rc != MDB_SUCCESS) state.SkipWithError(what);
}

void BM_raw_put(benchmark::State& state) {
  const size_t page_size = static_cast<size_t>(state.range(0));
  const bool no_sync = state.range(1) != 0;
  const bool sequential = state.range(2) != 0;
  bench_dir dir;
  MDB_env* env = nullptr;
  mdb_env_create(&env);
  mdb_env_set_maxdbs(env, 32);
  mdb_env_set_mapsize(env, map_size);
  unsigned flags = MDB_NOTLS | (no_sync ? MDB_NOSYNC : 0);
  if (mdb_env_open(env, dir.path().c_str(), flags, 0600) != MDB_SUCCESS) {
    state.SkipWithError("open failed");
    mdb_env_close(env);
    return;
  }
  MDB_dbi dbi = 0;
  {
    MDB_txn* txn = nullptr;
    mdb_txn_begin(env, nullptr, 0, &txn);
    mdb_dbi_open(txn, "emails", MDB_CREATE, &dbi);
    mdb_txn_commit(txn);
  }
  // The exact bytes the store writes for each sample (record header included).
  std::vector<std::string> values;
  for (auto& e : samples()) {
    std::string bytes;
    auto copy = e;
    copy.graph_id = graph_id(0, sequential);
    copy.internet_message_id = message_id(0, sequential);
    encode_record(record_header{0, "inbox", copy.received_at, copy.internet_message_id}, copy,
                  bytes);
    values.push_back(std::move(bytes));
  }
  std::vector<std::string> keys(page_size);
  uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& k : keys) k = keys::record_key("contoso", "u-1001", graph_id(next++, sequential));
    state.ResumeTiming();
    MDB_txn* txn = nullptr;
    check(mdb_txn_begin(env, nullptr, 0, &txn), state, "begin");
    for (size_t i = 0; i < page_size; ++i) {
      auto& value = values[i % distinct_emails];
      MDB_val k{keys[i].size(), keys[i].data()};
      MDB_val v{value.size(), const_cast<char*>(value.data())};
      check(mdb_put(txn, dbi, &k, &v, 0), state, "put");
    }
    check(mdb_txn_commit(txn), state, "commit");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * page_size));
  state.counters["no_sync"] = static_cast<double>(no_sync);
  mdb_env_close(env);
}

/// Registers store and raw side by side for every configuration, so the two runs that are
/// compared follow each other (on a shared machine the load drifts over minutes).
/// MDB_NOSYNC runs are CPU-bound: their rate is taken on CPU time, which other work on the
/// machine disturbs far less than wall time. Durable runs wait for fsync: wall time.
int register_pairs() {
  for (int no_sync : {1, 0})
    for (int ids : {0, 1})
      for (int page : {100, 1000})
        for (auto [name, fn] : {std::pair{"BM_store_commit", &BM_store_commit},
                                std::pair{"BM_raw_put", &BM_raw_put}}) {
          auto* b = benchmark::RegisterBenchmark(name, fn);
          b->Args({page, no_sync, ids})->Unit(benchmark::kMicrosecond)->MinTime(1.0);
          if (no_sync == 0) b->UseRealTime();
        }
  return 0;
}

const int registered = register_pairs();

} // namespace

BENCHMARK_MAIN();
