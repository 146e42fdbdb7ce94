// The transport's read path against a scripted loopback server that writes exact bytes: a
// sized body read straight into its padded buffer whether it arrives with the header or in
// hundreds of pieces, a connection closed inside the body, a chunked body (Beast's parser), a
// body over the limit, and keep-alive reuse after each kind of body.
#include <catch2/catch.hpp>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "adapters/http_transport.hpp"

using namespace m365;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

/// What the scripted server writes for one request: raw pieces, each after a short timer wait
/// (so they reach the client as separate segments), then it closes the connection or waits
/// for the next request on it.
struct answer {
  std::vector<std::string> pieces;
  bool close_after = false;
};

/// One connection at a time on 127.0.0.1, answering requests in order from a script.
class scripted_server {
public:
  explicit scripted_server(std::vector<answer> script)
    : script_(std::move(script)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~scripted_server() {
    // Closing the acceptor does not wake a blocking accept() on Linux: a last connection
    // does, and the serving loop then sees the closed acceptor or an empty script.
    stopping_ = true;
    boost::system::error_code ignored;
    asio::io_context io;
    asio::ip::tcp::socket wake(io);
    wake.connect({asio::ip::make_address("127.0.0.1"), port()}, ignored);
    wake.close(ignored);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }

private:
  void serve() {
    size_t next = 0;
    while (next < script_.size()) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_)
        return;
      ++connections_;
      socket.set_option(asio::ip::tcp::no_delay(true));
      std::string pending;
      while (next < script_.size()) {
        // One request: its header ends the exchange's input (the tests send GETs).
        auto n = asio::read_until(socket, asio::dynamic_buffer(pending), "\r\n\r\n", ec);
        if (ec)
          break;
        pending.erase(0, n);
        const answer& a = script_[next++];
        for (const auto& piece : a.pieces) {
          asio::steady_timer pause(io_, 200us);
          pause.wait();
          asio::write(socket, asio::buffer(piece), ec);
          if (ec)
            break;
        }
        if (a.close_after)
          break;
      }
      socket.close(ec);
    }
  }

  std::vector<answer> script_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> connections_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

/// A transport on its own I/O thread; get() sends one GET and waits for the reply.
struct transport_fixture {
  explicit transport_fixture(uint16_t port, size_t max_body = 64u << 20) {
    http_settings s;
    s.request_timeout = 5s;
    s.max_body_bytes = max_body;
    auto t = http_transport::create(io, s);
    REQUIRE(t.has_value());
    transport = *t;
    auto ep = graph_endpoint::parse("http://127.0.0.1:" + std::to_string(port) + "/v1.0");
    REQUIRE(ep.has_value());
    peer = *ep;
    thread = std::thread([this] { io.run(); });
  }
  ~transport_fixture() {
    work.reset();
    io.stop();
    thread.join();
  }
  http_reply get() {
    std::promise<http_reply> p;
    auto f = p.get_future();
    asio::post(transport->executor(), [&] {
      http_request_spec req;
      req.target = "/v1.0/me/messages/delta";
      transport->send(peer, std::move(req), [&p](http_reply r) { p.set_value(std::move(r)); });
    });
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    return f.get();
  }

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::shared_ptr<http_transport> transport;
  graph_endpoint peer;
  std::thread thread;
};

std::string header(size_t content_length) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
         + std::to_string(content_length) + "\r\n\r\n";
}

/// A JSON-looking body of `size` bytes whose every position is recognisable.
std::string body_of(size_t size) {
  std::string out = "{\"value\":\"";
  for (size_t i = 0; out.size() + 2 < size; ++i)
    out += static_cast<char>('a' + (i * 7 + i / 26) % 26);
  out += "\"}";
  out.resize(size, ' ');
  return out;
}

std::vector<std::string> split(const std::string& text, size_t piece) {
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size(); at += piece)
    out.push_back(text.substr(at, piece));
  return out;
}

std::string text(const http_reply& r) { return std::string(r.body.view()); }

} // namespace

TEST_CASE("a sized body written in hundreds of pieces arrives whole and padded, without a copy",
          "[adapters][transport]") {
  const auto body = body_of(3 << 20);
  answer a;
  a.pieces.push_back(header(body.size()));
  for (auto& piece : split(body, 9973))
    a.pieces.push_back(std::move(piece));
  scripted_server server({a, {{header(2) + "{}"}, false}});
  transport_fixture client(server.port());

  auto r = client.get();
  REQUIRE_FALSE(r.error);
  CHECK(r.status == 200);
  CHECK(text(r) == body);
  CHECK_FALSE(r.padding_copied);
  // The connection is clean for the next exchange.
  auto second = client.get();
  REQUIRE_FALSE(second.error);
  CHECK(text(second) == "{}");
  CHECK(second.reused_connection);
  CHECK(server.connections() == 1);
}

TEST_CASE("a body that arrives in the header's segment is complete at once",
          "[adapters][transport]") {
  scripted_server server({{{header(17) + "{\"value\":[1,2,3]}"}, false},
                          {{header(7) + "{\"a\":1}"}, false}});
  transport_fixture client(server.port());
  auto r = client.get();
  REQUIRE_FALSE(r.error);
  CHECK(text(r) == "{\"value\":[1,2,3]}");
  auto second = client.get();
  REQUIRE_FALSE(second.error);
  CHECK(text(second) == "{\"a\":1}");
  CHECK(second.reused_connection);
}

TEST_CASE("a connection closed inside a sized body is a truncated answer, never a short body",
          "[adapters][transport]") {
  const auto body = body_of(200000);
  answer a;
  a.pieces = {header(body.size()), body.substr(0, 120000)};
  a.close_after = true;
  scripted_server server({a});
  transport_fixture client(server.port());
  auto r = client.get();
  CHECK(r.error == boost::beast::http::error::partial_message);
  CHECK(std::string(r.stage) == "read");
  CHECK(r.body.view().empty());
}

TEST_CASE("a chunked body is read by the parser and copied once for padding",
          "[adapters][transport]") {
  answer a;
  a.pieces = {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              "Transfer-Encoding: chunked\r\n\r\n",
              "9\r\n{\"value\":\r\n", "3\r\n[7]\r\n", "1\r\n}\r\n", "0\r\n\r\n"};
  scripted_server server({a, {{header(2) + "{}"}, false}});
  transport_fixture client(server.port());
  auto r = client.get();
  REQUIRE_FALSE(r.error);
  CHECK(text(r) == "{\"value\":[7]}");
  CHECK(r.padding_copied);
  auto second = client.get();
  REQUIRE_FALSE(second.error);
  CHECK(text(second) == "{}");
  CHECK(second.reused_connection);
}

TEST_CASE("a body over the transport's limit fails before it is read", "[adapters][transport]") {
  const auto body = body_of(5000);
  scripted_server server({{{header(body.size()), body}, false}});
  transport_fixture client(server.port(), 4096);
  auto r = client.get();
  CHECK(r.error == boost::beast::http::error::body_limit);
  CHECK(r.body.view().empty());
}
