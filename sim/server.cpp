#include "sim/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "sim/control_api.hpp"
#include "sim/graph_api.hpp"
#include "sim/graph_error.hpp"
#include "sim/page_buffers.hpp"
#include "sim/tenant_certificate.hpp"
#include "sim/world.hpp"

namespace m365::sim {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct server::impl {
  // Declaration order is destruction order reversed: connections (owned by the io_context) may
  // still hold throttle-slot guards that touch `state`, so `state` outlives `ioc`.
  std::unique_ptr<world> state;
  std::unique_ptr<graph_api> graph;
  std::unique_ptr<control_api> control;
  std::optional<ssl::context> tls;
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool running = false;

  sim_response dispatch(const http_request& req);
  void accept();
};

namespace {

constexpr size_t body_limit = 16 * 1024 * 1024;

/// One connection; `Stream` is beast::tcp_stream or ssl_stream<tcp_stream>.
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  session(Stream&& stream, server::impl& srv) : stream_(std::move(stream)), srv_(srv),
    timer_(stream_.get_executor()) {}

  void run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec)
                                  self->read();
                              });
    }
  }

private:
  void read() {
    parser_.emplace();
    parser_->body_limit(body_limit);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(300));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      close_quietly();
      return;
    }
    http_request req = parser_->release();
    keep_alive_ = req.keep_alive();
    pending_ = srv_.dispatch(req);
    if (pending_.latency_ms) {
      timer_.expires_after(std::chrono::milliseconds(pending_.latency_ms));
      timer_.async_wait([self = this->shared_from_this()](beast::error_code) { self->send(); });
    } else {
      send();
    }
  }

  void send() {
    res_ = {};
    res_.version(11);
    res_.result(pending_.status);
    if (!pending_.content_type.empty())
      res_.set(http::field::content_type, pending_.content_type);
    for (auto& [k, v] : pending_.headers)
      res_.set(k, v);
    res_.keep_alive(keep_alive_);
    res_.body() = std::move(pending_.body);
    res_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(300));
    if (pending_.how == sim_response::delivery::normal) {
      http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
        self->pending_.release.reset();
        page_buffers::give(std::move(self->res_.body()));
        if (ec || !self->keep_alive_) {
          self->close_quietly();
          return;
        }
        self->read();
      });
      return;
    }
    // A cut response: the full header (with the full Content-Length), then half the body.
    std::ostringstream head;
    head << res_.base();
    raw_ = head.str();
    raw_.append(res_.body(), 0, res_.body().size() / 2);
    net::async_write(stream_, net::buffer(raw_), [self = this->shared_from_this()](beast::error_code, size_t) {
      self->pending_.release.reset();
      auto& sock = beast::get_lowest_layer(self->stream_).socket();
      beast::error_code ignored;
      if (self->pending_.how == sim_response::delivery::reset) {
        sock.set_option(net::socket_base::linger(true, 0), ignored); // close -> RST
        sock.close(ignored);
      } else {
        sock.shutdown(tcp::socket::shutdown_both, ignored);
        sock.close(ignored);
      }
    });
  }

  void close_quietly() {
    pending_.release.reset();
    beast::error_code ignored;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.shutdown(tcp::socket::shutdown_send, ignored);
    sock.close(ignored);
  }

  Stream stream_;
  server::impl& srv_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  sim_response pending_;
  std::string raw_;
  bool keep_alive_ = true;
};

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}

} // namespace

sim_response server::impl::dispatch(const http_request& req) {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  sim_response r;
  try {
    if (starts_with(path, "/_sim/")) {
      r = control->handle(req);
    } else if (starts_with(path, "/v1.0/") || path == "/v1.0") {
      r = graph->handle(req);
    } else if (constexpr std::string_view suffix = "/oauth2/v2.0/token";
               path.size() > suffix.size() + 1 && path.substr(path.size() - suffix.size()) == suffix &&
               path.find('/', 1) == path.size() - suffix.size()) {
      r = graph->handle_token(req, path.substr(1, path.size() - suffix.size() - 1));
    } else {
      r.status = 404;
      r.content_type = "application/json";
      r.body = graph_error_body("UnknownError", "No route for this path.");
    }
  } catch (const std::exception& e) {
    // A handler bug must not take the server down; report it like Graph's 500.
    r = {};
    r.status = 500;
    r.content_type = "application/json";
    r.body = graph_error_body("InternalServerError", e.what());
  }
  std::string rid = guid_from(reinterpret_cast<uintptr_t>(&r) ^ static_cast<uint64_t>(r.body.size()),
                              static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  r.headers.emplace_back("request-id", rid);
  auto it = req.find("client-request-id");
  r.headers.emplace_back("client-request-id", it != req.end() ? std::string(it->value()) : rid);
  return r;
}

void server::impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket sock) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor->is_open())
        return;
    } else {
      sock.set_option(tcp::no_delay(true), ec);
      beast::tcp_stream stream(std::move(sock));
      if (tls) {
        using tls_stream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<session<tls_stream>>(tls_stream(std::move(stream), *tls), *this)->run();
      } else {
        std::make_shared<session<beast::tcp_stream>>(std::move(stream), *this)->run();
      }
    }
    accept();
  });
}

server::server() = default;

server::~server() {
  stop();
}

m365::expected<uint16_t> server::start(const server_options& options) {
  if (impl_ && impl_->running)
    return m365::status::invalid_argument("server already started");
  try {
    impl_ = std::make_unique<impl>();
    impl_->state = std::make_unique<world>(options);
    if (options.tenant_certificates) {
      for (auto& t : impl_->state->mutable_data().mutable_tenants()) {
        auto pair = make_self_signed(t.slug + " m365sim app");
        if (!pair)
          return pair.error();
        t.certificate_pem = pair->certificate_pem;
        t.private_key_pem = pair->private_key_pem;
        t.certificate_sha256 = pair->sha256;
        t.certificate_sha1 = pair->sha1;
      }
    }
    if (!options.faults_json.empty()) {
      auto p = fault_profile::parse(options.faults_json);
      if (!p)
        return p.error();
      impl_->state->set_faults(std::move(*p));
    }
    bool use_tls = !options.tls_cert_file.empty() || !options.tls_cert_pem.empty();
    if (use_tls) {
      impl_->tls.emplace(ssl::context::tls_server);
      beast::error_code ec;
      if (!options.tls_cert_file.empty()) {
        impl_->tls->use_certificate_chain_file(options.tls_cert_file, ec);
        if (!ec)
          impl_->tls->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
      } else {
        impl_->tls->use_certificate_chain(net::buffer(options.tls_cert_pem), ec);
        if (!ec)
          impl_->tls->use_private_key(net::buffer(options.tls_key_pem), ssl::context::pem, ec);
      }
      if (ec)
        return m365::status::invalid_argument("TLS certificate or key not usable: " + ec.message());
    }
    auto address = net::ip::make_address(options.host);
    impl_->acceptor.emplace(impl_->ioc);
    tcp::endpoint ep(address, options.port);
    impl_->acceptor->open(ep.protocol());
    impl_->acceptor->set_option(net::socket_base::reuse_address(true));
    impl_->acceptor->bind(ep);
    impl_->acceptor->listen(net::socket_base::max_listen_connections);
    impl_->port = impl_->acceptor->local_endpoint().port();
    std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    impl_->state->set_base_url(std::string(use_tls ? "https://" : "http://") + host + ":" + std::to_string(impl_->port));
    impl_->graph = std::make_unique<graph_api>(*impl_->state);
    impl_->control = std::make_unique<control_api>(*impl_->state);
    impl_->accept();
    unsigned n = std::max(1u, options.threads);
    for (unsigned i = 0; i < n; ++i)
      impl_->threads.emplace_back([this] { impl_->ioc.run(); });
    impl_->running = true;
    return impl_->port;
  } catch (const std::exception& e) {
    return m365::status::io_error(std::string("cannot start simulator: ") + e.what());
  }
}

void server::stop() {
  if (!impl_ || !impl_->running)
    return;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  impl_->running = false;
}

uint16_t server::port() const noexcept {
  return impl_ ? impl_->port : 0;
}

std::string server::url() const {
  return impl_ && impl_->state ? impl_->state->base_url() : std::string();
}

std::string server::manifest_json() const {
  return impl_->state->manifest_json();
}

world& server::state() {
  return *impl_->state;
}

} // namespace m365::sim
