// End-to-end pull speed: the whole engine (Graph adapter over loopback HTTP, simdjson decode,
// rules, group commit into LMDB) syncing 3 tenants x 5 users x 2 000 messages from an in-process
// m365sim, every mailbox from scratch. Reported as messages/s of wall time (UseRealTime).
// Arguments: <durable 0 | MDB_NOSYNC 1>/<plain loopback HTTP 0 | HTTPS 1>. The HTTPS runs use a
// certificate made at start and trusted through each tenant's CA file, as a national cloud or
// a proxy with its own CA would be: every page is decrypted as it would be from Graph.
//
//   build/bench/engine/engine_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/sync_engine.hpp"
#include "messages/type_ids.hpp"
#include "sim/server.hpp"
#include "store/lmdb_store.hpp"
#include "tests/adapters/test_certificate.hpp"

namespace {

using namespace m365;
namespace json = boost::json;

struct bench_config : caf::actor_system_config {
  bench_config() { register_message_types(*this); }
};

std::string str(const json::value& v) { return std::string(v.as_string()); }

/// The simulated world, started once for every run of the benchmark.
struct world {
  sim::server server;
  json::object manifest;
  std::string ca_file;  ///< the simulator's certificate, for HTTPS worlds

  world(uint32_t tenants, uint32_t users, uint32_t messages, bool tls) {
    sim::server_options o;
    o.seed = 7;
    o.tenants = tenants;
    o.users = users;
    o.messages = messages;
    o.events = 20;
    o.threads = 1;
    if (tls) {
      auto cert = test::make_test_certificate("127.0.0.1", "IP:127.0.0.1");
      o.tls_cert_pem = cert.cert_pem;
      o.tls_key_pem = cert.key_pem;
      ca_file = (std::filesystem::temp_directory_path() / "m365-engine-bench-ca.pem").string();
      std::ofstream(ca_file) << cert.cert_pem;
    }
    if (!server.start(o))
      throw std::runtime_error("simulator did not start");
    manifest = json::parse(server.manifest_json()).as_object();
  }

  sync_engine_options engine_options(std::shared_ptr<lmdb_store> store) const {
    sync_engine_options eo;
    eo.store = std::move(store);
    std::map<std::string, std::string> secrets;
    for (auto& v : manifest.at("tenants").as_array()) {
      auto& t = v.as_object();
      tenant_settings s;
      s.id = str(t.at("slug"));
      s.directory_id = str(t.at("directory_id"));
      s.authority = str(t.at("authority"));
      s.graph = str(t.at("graph"));
      s.ca_file = ca_file;
      s.client_id = str(t.at("client_id"));
      s.internal_domains = {str(t.at("domain"))};
      s.page_size = 500;
      s.email_interval_s = 3600;
      s.calendar_interval_s = 3600;
      secrets[s.id] = str(t.at("client_secret"));
      int n = 0;
      for (auto& u : t.at("users").as_array())
        eo.users.push_back({"u-" + s.id + "-" + std::to_string(++n), s.id, str(u.at("upn")), "", 0});
      eo.tenants.push_back(std::move(s));
    }
    eo.credentials = [secrets](const tenant_settings& t) -> expected<client_credential> {
      client_credential c;
      c.client_id = t.client_id;
      c.client_secret = secrets.at(t.id);
      return c;
    };
    eo.tuning.sync_at_start = false;
    return eo;
  }
};

void BM_engine_initial_sync(benchmark::State& state) {
  static world plain{3, 5, 2000, false};
  static world https{3, 5, 2000, true};
  const bool tls = state.range(1) == 1;
  world& w = tls ? https : plain;
  bench_config cfg;
  caf::actor_system sys{cfg};
  uint64_t items = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("m365-bench-" + std::to_string(rd()));
    store_options so;
    so.path = (dir / "store").string();
    so.no_sync = state.range(0) == 1;
    auto opened = lmdb_store::open(so);
    if (!opened) {
      state.SkipWithError("store did not open");
      break;
    }
    std::shared_ptr<lmdb_store> store{std::move(*opened)};
    auto engine = sync_engine::start(sys, w.engine_options(store));
    if (!engine) {
      state.SkipWithError("engine did not start");
      break;
    }
    caf::scoped_actor self{sys};
    state.ResumeTiming();

    // Every tenant at once, as the server's schedules would.
    std::vector<std::string> tenants;
    for (auto& v : w.manifest.at("tenants").as_array())
      tenants.push_back(str(v.at("slug")));
    uint64_t round_items = 0;
    size_t errors = 0;
    for (auto& t : tenants)
      self->send((*engine)->org(), sync_atom_v, t);
    for (size_t i = 0; i < tenants.size(); ++i)
      self->receive([&](round_report& r) {
        round_items += r.items;
        errors += r.errors.size();
      },
      [&](caf::error&) { ++errors; });
    (*engine)->stop();  // includes the flush of the last commits

    state.PauseTiming();
    items += round_items;
    if (errors > 0)
      state.SkipWithError("a round reported errors");
    engine->reset();
    store.reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.SetLabel(std::string(state.range(0) == 1 ? "MDB_NOSYNC" : "durable commits")
                 + (tls ? ", HTTPS" : ", HTTP"));
}

} // namespace

BENCHMARK(BM_engine_initial_sync)
  ->ArgsProduct({{0, 1}, {0, 1}})
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime()
  ->Iterations(1);

BENCHMARK_MAIN();
