// Ownership: shared by the transport's pool and its in-flight handlers; all use happens on the
// transport's strand (not thread-safe otherwise). One keep-alive HTTP/1.1 connection (TLS or
// plain loopback TCP) doing one exchange at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "adapters/graph_endpoint.hpp"
#include "adapters/http_types.hpp"

namespace m365 {

class http_connection : public std::enable_shared_from_this<http_connection> {
public:
  using executor_type = boost::asio::strand<boost::asio::io_context::executor_type>;
  using clock = std::chrono::steady_clock;
  using callback = std::function<void(http_reply)>;

  /// `tls` is null for plain http (loopback only; graph_endpoint::parse enforces that).
  http_connection(executor_type ex, boost::asio::ssl::context* tls, graph_endpoint peer);

  /// Connects first if needed, sends `req`, reads the whole answer into a padded buffer.
  /// Everything must finish by `deadline`; connecting by `connect_deadline` too. Bodies over
  /// `max_body` fail with a transport error (body_limit).
  void exchange(std::shared_ptr<const http_request_spec> req, clock::time_point deadline,
                clock::time_point connect_deadline, size_t max_body, callback done);

  bool is_open() const noexcept { return connected_; }
  /// True once the answer's first bytes arrived (a failure before that on a reused connection
  /// means the server closed it while idle: safe to resend on a fresh one).
  bool got_response_bytes() const noexcept { return got_bytes_; }
  void close() noexcept;
  uint64_t exchanges() const noexcept { return exchanges_; }

private:
  template <class F> void with_stream(F&& f);
  void set_expiry(clock::time_point at);
  void start_connect();
  void start_write();
  void on_header();
  void read_body(size_t length);
  void finish(boost::beast::error_code ec, const char* stage);

  executor_type ex_;
  boost::asio::ssl::context* tls_ctx_;
  graph_endpoint peer_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer resolve_timer_;  ///< bounds name resolution (not covered by the stream's expiry)
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<const http_request_spec> spec_;
  callback done_;
  clock::time_point deadline_;
  clock::time_point connect_deadline_;
  size_t max_body_ = 0;
  bool connected_ = false;
  bool reused_ = false;
  bool got_bytes_ = false;
  uint64_t exchanges_ = 0;
};

} // namespace m365
