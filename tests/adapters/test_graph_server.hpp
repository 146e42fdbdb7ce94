// Test support: a tiny HTTP/1.1 keep-alive server on 127.0.0.1 (real sockets, its own thread)
// that answers with what a test's handler decides, can delay answers with timers, reset a
// connection in the middle of a body, and records what it saw.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace m365::test {

class test_graph_server {
public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;

  struct reply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};  ///< answer after this long (a timer, not a sleep)
    bool reset_mid_body = false;         ///< send half the body, then reset the connection
  };

  struct seen {
    std::string target;
    std::string authorization;
    std::string prefer;
    std::chrono::steady_clock::time_point at;
    int connection = 0;
  };

  using handler = std::function<reply(const request&)>;

  /// Plain HTTP, or HTTPS when `tls` (a server context with certificate and key) is given.
  explicit test_graph_server(handler h, boost::asio::ssl::context* tls = nullptr)
    : handler_(std::move(h)), tls_(tls),
      acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~test_graph_server() {
    io_.stop();
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string base(const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port())
           + "/v1.0";
  }

  std::vector<seen> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }
  int connections() const { return connections_.load(); }
  int max_concurrent() const { return max_concurrent_.load(); }

private:
  template <class Stream>
  struct session : std::enable_shared_from_this<session<Stream>> {
    template <class... Args>
    session(test_graph_server& s, int id, Args&&... args)
      : server(s), socket(std::forward<Args>(args)...), timer(s.io_), id(id) {}
    test_graph_server& server;
    Stream socket;
    boost::beast::flat_buffer buffer;
    request req;
    boost::beast::http::response<boost::beast::http::string_body> res;
    std::string raw;
    boost::asio::steady_timer timer;
    int id;

    void start() {
      if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket>) {
        read();
      } else {
        socket.async_handshake(boost::asio::ssl::stream_base::server,
          [self = this->shared_from_this()](boost::system::error_code ec) {
            if (!ec)
              self->read();
          });
      }
    }

    boost::asio::ip::tcp::socket& raw_socket() {
      if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket>)
        return socket;
      else
        return socket.next_layer();
    }

    void read() {
      req = {};
      boost::beast::http::async_read(socket, buffer, req,
        [self = this->shared_from_this()](boost::system::error_code ec, size_t) {
          if (!ec)
            self->handle();
        });
    }

    void handle() {
      reply r = server.handler_(req);
      {
        std::lock_guard<std::mutex> lock(server.mutex_);
        seen s;
        s.target = std::string(req.target());
        s.authorization = std::string(req[boost::beast::http::field::authorization]);
        s.prefer = std::string(req["Prefer"]);
        s.at = std::chrono::steady_clock::now();
        s.connection = id;
        server.seen_.push_back(s);
      }
      int now = ++server.in_flight_;
      int prev = server.max_concurrent_.load();
      while (now > prev && !server.max_concurrent_.compare_exchange_weak(prev, now)) {}
      timer.expires_after(r.delay);
      timer.async_wait([self = this->shared_from_this(), r](boost::system::error_code) { self->answer(r); });
    }

    void answer(const reply& r) {
      --server.in_flight_;
      if (r.reset_mid_body) {
        raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
              + std::to_string(r.body.size()) + "\r\n\r\n" + r.body.substr(0, r.body.size() / 2);
        boost::asio::async_write(socket, boost::asio::buffer(raw),
          [self = this->shared_from_this()](boost::system::error_code, size_t) {
            // linger 0 turns close() into a TCP reset.
            boost::system::error_code ignored;
            self->raw_socket().set_option(boost::asio::socket_base::linger(true, 0), ignored);
            self->raw_socket().close(ignored);
          });
        return;
      }
      res = {};
      res.version(11);
      res.result(r.status);
      res.set(boost::beast::http::field::content_type, "application/json");
      for (const auto& [k, v] : r.headers)
        res.set(k, v);
      res.body() = r.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      boost::beast::http::async_write(socket, res,
        [self = this->shared_from_this()](boost::system::error_code ec, size_t) {
          if (!ec && self->res.keep_alive())
            self->read();
        });
    }
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec)
        return;
      if (tls_)
        std::make_shared<session<boost::beast::ssl_stream<boost::asio::ip::tcp::socket>>>(
          *this, ++connections_, std::move(s), *tls_)->start();
      else
        std::make_shared<session<boost::asio::ip::tcp::socket>>(*this, ++connections_,
                                                                std::move(s))->start();
      accept();
    });
  }

  handler handler_;
  boost::asio::ssl::context* tls_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<seen> seen_;
  std::atomic<int> connections_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_concurrent_{0};
};

} // namespace m365::test
