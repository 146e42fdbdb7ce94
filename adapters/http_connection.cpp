// Ownership: see header.
#include "adapters/http_connection.hpp"

#include <charconv>
#include <limits>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace m365 {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

http_connection::http_connection(executor_type ex, asio::ssl::context* tls, graph_endpoint peer)
  : ex_(ex), tls_ctx_(tls), peer_(std::move(peer)), resolver_(ex), resolve_timer_(ex) {}

template <class F>
void http_connection::with_stream(F&& f) {
  if (tls_)
    f(*tls_);
  else
    f(*plain_);
}

void http_connection::set_expiry(clock::time_point at) {
  if (tls_)
    beast::get_lowest_layer(*tls_).expires_at(at);
  else
    plain_->expires_at(at);
}

void http_connection::close() noexcept {
  connected_ = false;
  buffer_.consume(buffer_.size());
  beast::error_code ignored;
  if (tls_)
    beast::get_lowest_layer(*tls_).socket().close(ignored);
  if (plain_)
    plain_->socket().close(ignored);
}

void http_connection::exchange(std::shared_ptr<const http_request_spec> req,
                               clock::time_point deadline, clock::time_point connect_deadline,
                               size_t max_body, callback done) {
  spec_ = std::move(req);
  done_ = std::move(done);
  deadline_ = deadline;
  connect_deadline_ = std::min(deadline, connect_deadline);
  max_body_ = max_body;
  got_bytes_ = false;
  reused_ = connected_;
  ++exchanges_;
  request_ = {};
  request_.version(11);
  request_.method(spec_->method);
  request_.target(spec_->target);
  request_.set(http::field::host, peer_.port == (peer_.tls() ? 443 : 80)
                                    ? peer_.host
                                    : peer_.host + ":" + std::to_string(peer_.port));
  request_.set(http::field::user_agent, "m365sync/0.1");
  request_.set(http::field::accept, "application/json");
  request_.keep_alive(true);
  for (const auto& [name, value] : spec_->headers)
    request_.set(name, value);
  if (!spec_->body.empty() || spec_->method == http::verb::post
      || spec_->method == http::verb::patch || spec_->method == http::verb::put) {
    if (!spec_->content_type.empty())
      request_.set(http::field::content_type, spec_->content_type);
    request_.body() = spec_->body;
  }
  request_.prepare_payload();
  if (connected_)
    start_write();
  else
    start_connect();
}

void http_connection::start_connect() {
  if (tls_ctx_) {
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, *tls_ctx_);
    SSL* ssl = tls_->native_handle();
    beast::error_code addr_ec;
    asio::ip::make_address(peer_.host, addr_ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (!addr_ec) {
      X509_VERIFY_PARAM_set1_ip_asc(param, peer_.host.c_str());
    } else {
      // SNI plus hostname verification by OpenSSL during the handshake.
      SSL_set_tlsext_host_name(ssl, peer_.host.c_str());
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, peer_.host.c_str(), 0);
    }
    tls_->set_verify_mode(asio::ssl::verify_peer);
  } else {
    plain_ = std::make_unique<beast::tcp_stream>(ex_);
  }
  set_expiry(connect_deadline_);
  auto self = shared_from_this();
  resolve_timer_.expires_at(connect_deadline_);
  resolve_timer_.async_wait([self](beast::error_code ec) {
    if (!ec)
      self->resolver_.cancel();
  });
  resolver_.async_resolve(peer_.host, std::to_string(peer_.port),
    [self](beast::error_code ec, asio::ip::tcp::resolver::results_type results) {
      self->resolve_timer_.cancel();
      if (ec == asio::error::operation_aborted)
        ec = beast::error::timeout;
      if (ec)
        return self->finish(ec, "resolve");
      auto on_connect = [self](beast::error_code ec2, const asio::ip::tcp::endpoint&) {
        if (ec2)
          return self->finish(ec2, "connect");
        self->connected_ = true;
        if (!self->tls_)
          return self->start_write();
        // The handshake counts as connecting (connect_timeout).
        self->set_expiry(self->connect_deadline_);
        self->tls_->async_handshake(asio::ssl::stream_base::client, [self](beast::error_code ec3) {
          if (ec3) {
            self->connected_ = false;
            return self->finish(ec3, "tls");
          }
          self->start_write();
        });
      };
      if (self->tls_)
        beast::get_lowest_layer(*self->tls_).async_connect(results, on_connect);
      else
        self->plain_->async_connect(results, on_connect);
    });
}

void http_connection::start_write() {
  set_expiry(deadline_);
  auto self = shared_from_this();
  with_stream([&](auto& stream) {
    http::async_write(stream, request_, [self](beast::error_code ec, size_t) {
      if (ec)
        return self->finish(ec, "write");
      self->parser_.emplace();
      self->parser_->body_limit(self->max_body_);
      self->parser_->header_limit(64 * 1024);
      self->with_stream([&](auto& s) {
        http::async_read_header(s, self->buffer_, *self->parser_,
                                [self](beast::error_code ec2, size_t) {
          if (ec2)
            return self->finish(ec2, "read");
          self->got_bytes_ = true;
          self->on_header();
        });
      });
    });
  });
}

namespace {

/// The Content-Length of a parsed header, when it is present and a plain decimal number.
/// (Read from the header rather than parser::content_length(), whose boost::optional trips
/// GCC 12's -Wmaybe-uninitialized in sanitizer builds.)
std::optional<size_t> declared_length(const http::response<http::string_body>& res) {
  auto it = res.find(http::field::content_length);
  if (it == res.end()) return std::nullopt;
  size_t len = 0;
  const auto value = it->value();
  auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), len);
  if (err != std::errc{} || end != value.data() + value.size()) return std::nullopt;
  return len;
}

/// Lets asio::async_read ask the socket for everything still missing in one read instead of
/// its default 64 KiB per call (a Graph page is megabytes).
struct read_all_at_once {
  size_t operator()(const boost::system::error_code& ec, size_t) const noexcept {
    return ec ? 0 : std::numeric_limits<size_t>::max();
  }
};

} // namespace

void http_connection::on_header() {
  auto& res = parser_->get();
  auto length = declared_length(res);
  if (length && *length <= max_body_ && !parser_->is_done() && !parser_->chunked())
    return read_body(*length);
  // Chunked, unsized or over the limit: Beast's parser reads (and enforces body_limit).
  auto self = shared_from_this();
  with_stream([&](auto& stream) {
    http::async_read(stream, buffer_, *parser_, [self](beast::error_code ec, size_t) {
      self->finish(ec, "read");
    });
  });
}

void http_connection::read_body(size_t length) {
  // The body goes straight from the socket into a string reserved with simdjson's padding, in
  // as few reads as the socket allows: the decoder then parses it in place, nothing is copied.
  auto& body = parser_->get().body();
  body.reserve(length + simdjson::SIMDJSON_PADDING);
  auto buffered = buffer_.data();
  const size_t early = std::min(length, buffered.size());  // arrived with the header
  body.assign(static_cast<const char*>(buffered.data()), early);
  buffer_.consume(early);
  body.resize(length);
  if (early == length)
    return finish({}, "read");
  auto self = shared_from_this();
  with_stream([&](auto& stream) {
    asio::async_read(stream, asio::buffer(body.data() + early, length - early), read_all_at_once{},
                     [self](beast::error_code ec, size_t) {
      // A connection closed inside the body is a truncated answer, as the parser would say.
      if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
        ec = http::error::partial_message;
      self->finish(ec, "read");
    });
  });
}

void http_connection::finish(beast::error_code ec, const char* stage) {
  http_reply reply;
  reply.reused_connection = reused_;
  if (ec) {
    reply.error = ec;
    reply.stage = stage;
    close();
  } else {
    auto& res = parser_->get();
    reply.status = res.result_int();
    reply.keep_alive = res.keep_alive();
    if (auto it = res.find(http::field::retry_after); it != res.end())
      reply.retry_after = std::string(it->value());
    if (auto it = res.find(http::field::location); it != res.end())
      reply.location = std::string(it->value());
    if (auto it = res.find("request-id"); it != res.end())
      reply.request_id = std::string(it->value());
    std::string body = std::move(res.body());
    if (body.capacity() - body.size() < simdjson::SIMDJSON_PADDING)
      reply.padding_copied = true;
    reply.body = padded_body{std::move(body)};
    if (!reply.keep_alive)
      close();
  }
  parser_.reset();
  auto done = std::move(done_);
  done_ = nullptr;
  spec_.reset();
  done(std::move(reply));
}

} // namespace m365
