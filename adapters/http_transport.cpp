// Ownership: see header.
#include "adapters/http_transport.hpp"

#include <boost/asio/post.hpp>

#include "adapters/http_connection.hpp"

namespace m365 {

namespace asio = boost::asio;

http_transport::http_transport(asio::io_context& io, http_settings settings)
  : strand_(asio::make_strand(io)),
    settings_(std::move(settings)),
    tls_(asio::ssl::context::tls_client) {}

expected<std::shared_ptr<http_transport>> http_transport::create(asio::io_context& io,
                                                                 http_settings settings) {
  auto t = std::make_shared<http_transport>(io, std::move(settings));
  boost::system::error_code ec;
  t->tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2
                        | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                        | asio::ssl::context::no_tlsv1_1,
                      ec);
  t->tls_.set_default_verify_paths(ec);
  if (ec)
    return status::unavailable("TLS: cannot load the system CA store: " + ec.message());
  if (!t->settings_.ca_file.empty()) {
    t->tls_.load_verify_file(t->settings_.ca_file, ec);
    if (ec)
      return status::invalid_argument("TLS: cannot load CA file '" + t->settings_.ca_file
                                      + "': " + ec.message());
  }
  t->tls_.set_verify_mode(asio::ssl::verify_peer, ec);
  return t;
}

void http_transport::send(const graph_endpoint& peer, http_request_spec req, callback done) {
  dispatch(peer, std::make_shared<const http_request_spec>(std::move(req)), std::move(done), true);
}

void http_transport::dispatch(const graph_endpoint& peer,
                              std::shared_ptr<const http_request_spec> req, callback done,
                              bool allow_stale_retry) {
  auto& pool = pools_[peer.host_port()];
  while (!pool.idle.empty()) {
    auto conn = std::move(pool.idle.back());
    pool.idle.pop_back();
    if (conn->is_open())
      return run(pool, std::move(conn), peer, std::move(req), std::move(done), allow_stale_retry);
  }
  if (pool.active >= settings_.max_connections_per_host) {
    pool.queue.push_back(waiting{peer, std::move(req), std::move(done)});
    return;
  }
  ++counters_.connections_opened;
  auto conn = std::make_shared<http_connection>(strand_, peer.tls() ? &tls_ : nullptr, peer);
  run(pool, std::move(conn), peer, std::move(req), std::move(done), allow_stale_retry);
}

void http_transport::run(host_pool& pool, std::shared_ptr<http_connection> conn,
                         const graph_endpoint& peer, std::shared_ptr<const http_request_spec> req,
                         callback done, bool allow_stale_retry) {
  ++pool.active;
  ++counters_.exchanges;
  if (conn->is_open())
    ++counters_.reused;
  const auto now = std::chrono::steady_clock::now();
  auto self = shared_from_this();
  const std::string key = peer.host_port();
  conn->exchange(req, now + settings_.request_timeout, now + settings_.connect_timeout,
                 settings_.max_body_bytes,
                 [self, conn, peer, req, done = std::move(done), allow_stale_retry,
                  key](http_reply reply) mutable {
    auto& p = self->pools_[key];
    --p.active;
    const bool stale = reply.error && reply.reused_connection && !conn->got_response_bytes();
    if (!reply.error && reply.keep_alive && conn->is_open()
        && p.idle.size() < self->settings_.max_idle_per_host) {
      p.idle.push_back(conn);
    } else {
      conn->close();
    }
    if (reply.padding_copied)
      ++self->counters_.padding_copies;
    if (stale && allow_stale_retry) {
      // The server closed the idle connection before reading our request: resend on a new one.
      ++self->counters_.stale_retries;
      self->dispatch(peer, std::move(req), std::move(done), false);
    } else {
      done(std::move(reply));
    }
    if (!p.queue.empty() && p.active < self->settings_.max_connections_per_host) {
      auto next = std::move(p.queue.front());
      p.queue.pop_front();
      self->dispatch(next.peer, std::move(next.req), std::move(next.done), true);
    }
  });
}

void http_transport::close_idle() {
  for (auto& [key, pool] : pools_) {
    for (auto& conn : pool.idle)
      conn->close();
    pool.idle.clear();
  }
}


} // namespace m365
