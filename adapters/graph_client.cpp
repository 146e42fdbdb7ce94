// Ownership: see header.
#include "adapters/graph_client.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/logger.h>

#include "adapters/graph_error_decoder.hpp"

namespace m365 {

namespace asio = boost::asio;

expected<std::shared_ptr<graph_client>> graph_client::create(asio::io_context& io,
                                                             graph_client_settings settings) {
  auto transport = http_transport::create(io, settings.http);
  if (!transport)
    return transport.error();
  return std::make_shared<graph_client>(std::move(*transport), std::move(settings));
}

graph_client::graph_client(std::shared_ptr<http_transport> transport,
                           graph_client_settings settings)
  : transport_(std::move(transport)),
    settings_(std::move(settings)),
    guard_(settings_.graph),
    policy_(settings_.retry,
            [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }),
    rng_(settings_.jitter_seed ? settings_.jitter_seed : std::random_device{}()) {}

graph_client::mailbox_state& graph_client::state_of(const std::string& mailbox) {
  auto& slot = mailboxes_[mailbox];
  if (!slot) {
    slot = std::make_unique<mailbox_state>(settings_.mailbox);
    slot->wake = std::make_unique<asio::steady_timer>(transport_->executor());
  }
  return *slot;
}

void graph_client::submit(graph_request req, callback done) {
  auto op = std::make_shared<operation>();
  op->req = std::move(req);
  op->done = std::move(done);
  op->submitted_at = clock::now();
  asio::post(transport_->executor(), [self = shared_from_this(), op] {
    ++self->counters_.submitted;
    if (self->stopped_)
      return self->fail(op, graph_errc::transport, "graph client stopped");
    auto target = self->guard_.check(op->req.url);
    if (!target) {
      ++self->counters_.foreign_host;
      if (self->settings_.log)
        self->settings_.log->warn("refused a request for mailbox {}: {}", op->req.mailbox,
                                  target.error().message());
      return self->fail(op, graph_errc::foreign_host, target.error().message());
    }
    if (op->req.bearer_token.empty())
      return self->fail(op, graph_errc::unauthorized, "no access token for this request");
    op->target = std::move(*target);
    self->enqueue(op, false);
  });
}

void graph_client::enqueue(op_ptr op, bool front) {
  if (stopped_)
    return fail(op, graph_errc::transport, "graph client stopped");
  auto& st = state_of(op->req.mailbox);
  if (front)
    st.queue.push_front(op);
  else
    st.queue.push_back(op);
  pump(op->req.mailbox);
}

void graph_client::pump(const std::string& mailbox) {
  auto& st = state_of(mailbox);
  const auto now = clock::now();
  while (!st.queue.empty() && st.gate.try_acquire(now)) {
    auto op = std::move(st.queue.front());
    st.queue.pop_front();
    counters_.max_in_flight_seen = std::max(counters_.max_in_flight_seen, st.gate.in_flight());
    start(mailbox, std::move(op));
  }
  // Blocked by a throttle pause or the window (not by concurrency): wake up when it opens.
  if (!st.queue.empty() && st.gate.in_flight() < settings_.mailbox.max_concurrent
      && !st.wake_armed) {
    st.wake_armed = true;
    st.wake->expires_at(st.gate.next_opening(now));
    st.wake->async_wait([self = shared_from_this(), mailbox](boost::system::error_code) {
      auto& s = self->state_of(mailbox);
      s.wake_armed = false;
      if (!self->stopped_)
        self->pump(mailbox);
    });
  }
}

void graph_client::start(const std::string& mailbox, op_ptr op) {
  ++op->attempts;
  http_request_spec spec;
  spec.method = op->req.method;
  spec.target = op->target;
  spec.headers = op->req.headers;
  // The guard accepted op->target for the configured Graph base only, so the token goes there.
  spec.headers.emplace_back("Authorization", "Bearer " + op->req.bearer_token);
  spec.body = op->req.body;
  if (!spec.body.empty())
    spec.content_type = "application/json";
  auto self = shared_from_this();
  transport_->send(settings_.graph, std::move(spec), [self, mailbox, op](http_reply reply) {
    self->on_reply(mailbox, op, std::move(reply));
  });
}

void graph_client::on_reply(const std::string& mailbox, op_ptr op, http_reply reply) {
  auto& st = state_of(mailbox);
  st.gate.release();
  op->last_status = reply.status;
  if (reply.error) {
    auto d = policy_.on_transport_error(op->attempts);
    if (d.action == retry_action::retry) {
      ++counters_.retries;
      retry_later(mailbox, op, d.delay);
    } else {
      fail(op, graph_errc::transport,
           std::string("transport failure during ") + reply.stage + ": " + reply.error.message()
             + " (after " + std::to_string(op->attempts) + " attempts)");
    }
    pump(mailbox);
    return;
  }
  graph_error_body err;
  if (reply.status >= 400 && !reply.body.empty())
    if (auto decoded = decode_graph_error(reply.body))
      err = std::move(*decoded);
  auto d = policy_.on_response(reply.status, reply.retry_after, op->attempts,
                               std::chrono::system_clock::now());
  switch (d.action) {
    case retry_action::deliver: {
      graph_response res;
      res.ok = true;
      res.http_status = reply.status;
      res.location = std::move(reply.location);
      res.request_id = std::move(reply.request_id);
      res.body = std::move(reply.body);
      complete(op, std::move(res));
      break;
    }
    case retry_action::retry:
      ++counters_.retries;
      if (d.pause_mailbox) {
        ++counters_.throttled;
        st.gate.pause_until(clock::now() + d.delay);
        if (settings_.log)
          settings_.log->debug("mailbox {} throttled (HTTP {}), pausing {} ms", mailbox,
                               reply.status, d.delay.count());
        st.queue.push_front(op);
      } else {
        retry_later(mailbox, op, d.delay);
      }
      break;
    case retry_action::fail: {
      graph_response res;
      res.ok = false;
      res.error = d.error;
      res.http_status = reply.status;
      res.graph_code = err.code;
      res.request_id = !reply.request_id.empty() ? std::move(reply.request_id) : err.request_id;
      res.message = "HTTP " + std::to_string(reply.status)
                    + (err.code.empty() ? std::string() : " " + err.code)
                    + (err.message.empty() ? std::string() : ": " + err.message);
      if (op->attempts > 1)
        res.message += " (after " + std::to_string(op->attempts) + " attempts)";
      res.body = std::move(reply.body);
      complete(op, std::move(res));
      break;
    }
  }
  pump(mailbox);
}

void graph_client::retry_later(const std::string& mailbox, op_ptr op,
                               std::chrono::milliseconds delay) {
  auto timer = std::make_shared<asio::steady_timer>(transport_->executor(), delay);
  timer->async_wait([self = shared_from_this(), op, timer](boost::system::error_code) {
    self->enqueue(op, true);
  });
}

void graph_client::complete(op_ptr op, graph_response res) {
  ++counters_.completed;
  res.attempts = op->attempts;
  if (!res.ok && res.http_status == 0)
    res.http_status = op->last_status;
  res.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now()
                                                                      - op->submitted_at);
  auto done = std::move(op->done);
  op->done = nullptr;
  if (done)
    done(std::move(res));
}

void graph_client::fail(op_ptr op, graph_errc code, std::string message) {
  graph_response res;
  res.ok = false;
  res.error = code;
  res.message = std::move(message);
  complete(std::move(op), std::move(res));
}

void graph_client::stop() {
  asio::post(transport_->executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    for (auto& [mailbox, st] : self->mailboxes_) {
      st->wake->cancel();
      auto queue = std::move(st->queue);
      st->queue.clear();
      for (auto& op : queue)
        self->fail(op, graph_errc::transport, "graph client stopped");
    }
    self->transport_->close_idle();
  });
}

} // namespace m365
