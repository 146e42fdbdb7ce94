// Decoding a Graph messages/delta page: message_page_decoder (into m365::email values) against a
// raw simdjson ondemand walk that touches every value of the same bytes without building
// anything. Reports messages/s (items_per_second) and bytes/s; the ratio of the two is the cost
// of materialising emails. fetch_decode_loopback adds the HTTP side: graph_client fetching the
// same pages from a loopback keep-alive server (plain http), then decoding them.
#include <benchmark/benchmark.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <simdjson.h>

#include "adapters/graph_client.hpp"
#include "adapters/graph_requests.hpp"
#include "adapters/json_fields.hpp"
#include "adapters/message_page_decoder.hpp"

namespace {

/// A page shaped like Graph's answer to the engine's $select (see graph_requests.hpp), with
/// realistic sizes: ~1.5 KB HTML bodies, 2-4 recipients, escapes and non-ASCII text.
std::string make_page(int messages) {
  std::string body_html = "<html><head><meta http-equiv=\\\"Content-Type\\\" content=\\\"text/html; "
                          "charset=utf-8\\\"></head><body><p>Hello team,</p>";
  while (body_html.size() < 1400)
    body_html += "<p>Quarterly numbers for the Contoso account are attached; r\\u00e9sum\\u00e9 "
                 "follows. Please review before Thursday.</p>";
  body_html += "</body></html>";
  std::string out = "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#Collection(message)\",\"value\":[";
  for (int i = 0; i < messages; ++i) {
    if (i)
      out += ',';
    const std::string n = std::to_string(i);
    out += "{\"@odata.type\":\"#microsoft.graph.message\",\"@odata.etag\":\"W/\\\"CQAAABYAAAAR" + n + "\\\"\","
           "\"id\":\"AAMkADNkNAAASq35xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + n + "=\","
           "\"changeKey\":\"CQAAABYAAAARn2vdzPFjSbaPPxzjlzOTAAASsKZz" + n + "\","
           "\"receivedDateTime\":\"2024-03-0" + std::to_string(1 + i % 9) + "T10:" + std::to_string(10 + i % 50) + ":05Z\","
           "\"sentDateTime\":\"2024-03-01T10:11:04.123Z\",\"hasAttachments\":" + (i % 3 ? "false" : "true") + ","
           "\"internetMessageId\":\"<CAF" + n + "xyz@mail.contoso.com>\",\"subject\":\"RE: Quarterly report " + n + " \\u2013 draft\","
           "\"bodyPreview\":\"Hello team, Quarterly numbers for the Contoso account are attached; please review before Thursday.\","
           "\"importance\":\"normal\",\"conversationId\":\"AAQkADNkNAAAQJ" + n + "\",\"isRead\":true,\"isDraft\":false,"
           "\"inferenceClassification\":\"focused\",\"categories\":[\"Client\",\"Blue category\"],"
           "\"body\":{\"contentType\":\"html\",\"content\":\"" + body_html + "\"},"
           "\"sender\":{\"emailAddress\":{\"name\":\"Megan Bowen\",\"address\":\"MeganB@contoso.com\"}},"
           "\"from\":{\"emailAddress\":{\"name\":\"Megan Bowen\",\"address\":\"MeganB@contoso.com\"}},"
           "\"toRecipients\":[{\"emailAddress\":{\"name\":\"Adele Vance\",\"address\":\"AdeleV@contoso.com\"}},"
           "{\"emailAddress\":{\"name\":\"Client Desk\",\"address\":\"desk@client.example\"}}],"
           "\"ccRecipients\":[{\"emailAddress\":{\"name\":\"Alex Wilber\",\"address\":\"AlexW@contoso.com\"}}],"
           "\"bccRecipients\":[]}";
  }
  out += "],\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/users/adele@contoso.com/mailFolders/inbox/messages/delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM\"}";
  return out;
}

/// Touches every scalar of a value (strings unescaped, numbers parsed).
simdjson::error_code walk(simdjson::ondemand::value v, size_t& touched) {
  simdjson::ondemand::json_type t{};
  if (auto e = v.type().get(t))
    return e;
  switch (t) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object obj;
      if (auto e = v.get_object().get(obj))
        return e;
      for (auto field : obj) {
        simdjson::ondemand::field f;
        if (auto e = std::move(field).get(f))
          return e;
        if (auto e = walk(f.value(), touched))
          return e;
      }
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array arr;
      if (auto e = v.get_array().get(arr))
        return e;
      for (auto element : arr) {
        simdjson::ondemand::value x;
        if (auto e = std::move(element).get(x))
          return e;
        if (auto e = walk(x, touched))
          return e;
      }
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s))
        return e;
      touched += s.size();
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::number: {
      double d = 0;
      auto e = v.get_double().get(d);
      ++touched;
      return e;
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b = false;
      auto e = v.get_bool().get(b);
      touched += b;
      return e;
    }
    case simdjson::ondemand::json_type::null:
      return simdjson::SUCCESS;
  }
  return simdjson::SUCCESS;
}

void decode_messages(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const m365::padded_body body{make_page(n)};
  m365::message_page_decoder decoder;
  m365::page_context ctx;
  ctx.tenant = "contoso";
  ctx.user = "u-1001";
  ctx.mailbox = "adele@contoso.com";
  ctx.folder = "inbox";
  ctx.expected_items = static_cast<size_t>(n);
  for (auto _ : state) {
    auto page = decoder.decode(body, ctx);
    if (!page || page->items.size() != static_cast<size_t>(n)) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(page->items.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["page_bytes"] = static_cast<double>(body.size());
}

void raw_ondemand_walk(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const m365::padded_body body{make_page(n)};
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    simdjson::ondemand::document doc;
    if (parser.iterate(body.view().data(), body.size(), body.bytes().capacity()).get(doc)) {
      state.SkipWithError("iterate failed");
      break;
    }
    simdjson::ondemand::value root;
    size_t touched = 0;
    if (doc.get_value().get(root) || walk(root, touched)) {
      state.SkipWithError("walk failed");
      break;
    }
    benchmark::DoNotOptimize(touched);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

/// The nesting-limit pre-pass alone (part of decode_messages), to show its share.
void nesting_scan(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const m365::padded_body body{make_page(n)};
  for (auto _ : state)
    benchmark::DoNotOptimize(m365::nesting_exceeds(body.view(), 64));
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

/// A blocking keep-alive HTTP server on 127.0.0.1 answering every request with `body`
/// (one thread per connection; the benchmark's client keeps a handful open).
class page_server {
public:
  explicit page_server(std::string body)
    : body_(std::move(body)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~page_server() {
    // close() does not wake a blocking accept() on Linux: connect once to let it see stopping_.
    stopping_ = true;
    boost::system::error_code ignored;
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
    acceptor_.close(ignored);
    for (auto& t : sessions_)
      t.join();
  }
  std::string base() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/v1.0";
  }

private:
  void accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_)
        return;
      sessions_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }
  void serve(boost::asio::ip::tcp::socket socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec)
        return;
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = body_;
      res.keep_alive(true);
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec)
        return;
    }
  }
  std::string body_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::vector<std::thread> sessions_;
  std::atomic<bool> stopping_{false};
};

/// Per iteration: 8 pages fetched concurrently (2 mailboxes x 4 in flight), then decoded.
void fetch_decode_loopback(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  constexpr int pages = 8;
  page_server server(make_page(n));
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  m365::graph_client_settings settings;
  settings.graph = *m365::graph_endpoint::parse(server.base());
  auto client = *m365::graph_client::create(io, settings);
  m365::message_page_decoder decoder;
  m365::page_context ctx;
  ctx.tenant = "contoso";
  ctx.folder = "inbox";
  ctx.expected_items = static_cast<size_t>(n);
  size_t decoded = 0;
  for (auto _ : state) {
    std::vector<std::promise<m365::graph_response>> promises(pages);
    for (int i = 0; i < pages; ++i) {
      auto* p = &promises[static_cast<size_t>(i)];
      auto req = m365::follow_link(server.base() + "/users/m/messages/delta", i % 2 ? "a" : "b",
                                   static_cast<uint32_t>(n), false);
      req.bearer_token = "bench-token";
      client->submit(std::move(req), [p](m365::graph_response r) { p->set_value(std::move(r)); });
    }
    for (auto& p : promises) {
      auto r = p.get_future().get();
      auto page = r.ok ? decoder.decode(r.body, ctx) : m365::expected<m365::email_page>(
                                                         m365::status::io_error(r.message));
      if (!page) {
        state.SkipWithError(page.error().message().c_str());
        break;
      }
      decoded += page->items.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(decoded));
  client->stop();
  work.reset();
  io.stop();
  io_thread.join();
}

} // namespace

BENCHMARK(fetch_decode_loopback)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(nesting_scan)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(decode_messages)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(raw_ondemand_walk)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
