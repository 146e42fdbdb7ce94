// Serving speed of m365sim: message delta pages over one keep-alive loopback connection, one
// server thread. Reports messages/s (items_per_second) and bytes/s for pages of 100 and 1000,
// with full messages and with a $select that leaves the body out.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <sys/resource.h>
#include <time.h>

#include <memory>
#include <string>

#include "sim/server.hpp"
#include "sim/world.hpp"
#include "tests/sim/sim_client.hpp"

namespace {

using m365::sim::testing::sim_client;
namespace net = boost::asio;

/// The measuring client: one keep-alive socket, a reused receive buffer, the body read straight
/// into it by Content-Length. Beast's parser (used by sim_client for the warm-up) copies every
/// chunk once more, which would make the client, not the server, the measured bottleneck.
class raw_reader {
public:
  raw_reader(uint16_t port, std::string headers) : socket_(ioc_), headers_(std::move(headers)) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    socket_.set_option(net::ip::tcp::no_delay(true));
    buf_.reserve(32 << 20);
  }

  /// GETs `target`; returns the body (a view into the reused buffer) or empty on failure.
  std::string_view get(std::string_view target) {
    request_.clear();
    request_.append("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n").append(headers_).append("\r\n");
    net::write(socket_, net::buffer(request_));
    buf_.clear();
    size_t header_end;
    for (;;) {
      size_t old = buf_.size();
      buf_.resize(old + 65536);
      size_t n = socket_.read_some(net::buffer(&buf_[old], 65536));
      buf_.resize(old + n);
      header_end = buf_.find("\r\n\r\n");
      if (header_end != std::string::npos)
        break;
    }
    if (buf_.compare(9, 3, "200") != 0)
      return {};
    size_t cl = buf_.find("Content-Length: ");
    size_t length = std::stoul(buf_.substr(cl + 16, buf_.find("\r\n", cl) - cl - 16));
    size_t total = header_end + 4 + length;
    size_t have = buf_.size();
    buf_.resize(total);
    if (have < total)
      net::read(socket_, net::buffer(&buf_[have], total - have));
    return std::string_view(buf_).substr(header_end + 4);
  }

private:
  net::io_context ioc_;
  net::ip::tcp::socket socket_;
  std::string headers_;
  std::string request_;
  std::string buf_;
};

/// One simulator for the whole run: 1 tenant, 1 mailbox of 30 000 messages (~19 000 in inbox).
struct bench_world {
  m365::sim::server srv;
  std::string token;
  std::string upn;
  bench_world() {
    m365::sim::server_options o;
    o.seed = 1;
    o.tenants = 1;
    o.users = 1;
    o.messages = 30000;
    o.events = 0;
    o.threads = 1;
    o.tenant_certificates = false;
    o.max_requests_per_window = 100000000; // measure serving, not the throttle
    auto port = srv.start(o);
    if (!port)
      std::abort();
    auto& w = srv.state();
    token = w.id_platform().mint(w.data().tenants()[0], 86400);
    upn = w.data().users()[0].upn;
  }
};

bench_world& shared_world() {
  static bench_world w;
  return w;
}

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void walk_pages(benchmark::State& state, const std::string& select) {
  bench_world& w = shared_world();
  sim_client client("127.0.0.1", w.srv.port());
  std::string first = w.srv.url() + "/v1.0/users/" + w.upn + "/mailFolders/inbox/messages/delta" + select;
  std::vector<std::pair<std::string, std::string>> headers{
    {"Authorization", "Bearer " + w.token}, {"Prefer", "odata.maxpagesize=" + std::to_string(state.range(0))}};
  // Warm-up walk: builds every message's cached JSON once, as a long-running server would have.
  std::string next = first;
  for (;;) {
    auto r = client.get(next, headers);
    if (r.status != 200)
      std::abort();
    auto v = boost::json::parse(r.body);
    if (auto* n = v.as_object().if_contains("@odata.nextLink"))
      next = std::string(n->as_string());
    else
      break;
  }
  raw_reader reader(w.srv.port(), "Authorization: Bearer " + w.token + "\r\nPrefer: odata.maxpagesize=" +
                                      std::to_string(state.range(0)) + "\r\n");
  std::string first_target = sim_client::target_of(first);
  std::string target = first_target;
  int64_t items = 0, bytes = 0;
  double proc0 = process_cpu_s(), thread0 = thread_cpu_s();
  for (auto _ : state) {
    std::string_view body = reader.get(target);
    if (body.empty()) {
      state.SkipWithError("non-200 page");
      break;
    }
    bytes += static_cast<int64_t>(body.size());
    // Find the link without a DOM: the envelope starts with context and link.
    auto value = body.find("\"value\":[");
    auto pos = body.find("\"@odata.nextLink\":\"");
    if (pos != std::string_view::npos && pos < value) {
      pos += 19;
      target = sim_client::target_of(std::string(body.substr(pos, body.find('"', pos) - pos)));
      items += state.range(0);
    } else {
      target = first_target; // round complete: start a new initial sync
      // Count the items of the partial last page exactly: one "@odata.type" per message.
      for (size_t at = body.find("\"@odata.type\"", value); at != std::string_view::npos;
           at = body.find("\"@odata.type\"", at + 1))
        ++items;
    }
  }
  state.SetItemsProcessed(items);
  state.SetBytesProcessed(bytes);
  // The machine may be shared: also report messages per CPU second of the server thread (process
  // CPU minus this client thread), which does not depend on how much CPU we were given.
  double server_cpu = (process_cpu_s() - proc0) - (thread_cpu_s() - thread0);
  if (server_cpu > 0)
    state.counters["msgs_per_server_cpu_s"] = static_cast<double>(items) / server_cpu;
}

void BM_delta_full(benchmark::State& state) {
  walk_pages(state, "");
}

void BM_delta_select_no_body(benchmark::State& state) {
  walk_pages(state, "?$select=subject,sender,from,toRecipients,receivedDateTime,internetMessageId,isRead,categories,importance");
}

} // namespace

BENCHMARK(BM_delta_full)->Arg(100)->Arg(1000)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_delta_select_no_body)->Arg(100)->Arg(1000)->UseRealTime()->MinTime(2.0);
BENCHMARK_MAIN();
