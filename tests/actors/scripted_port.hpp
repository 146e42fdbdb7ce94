// A graph_port the test drives by hand, for the deterministic actor tests: every call is
// counted, token requests wait until the test answers them (or are answered at once), fetches
// answer an empty final page at once. A factory hands out such ports, or refuses to.
// Threading: used on the test's thread only (tests/support/deterministic_system.hpp runs every
// actor there), so no locks; answers are delivered as messages, as a real port's I/O threads do.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "messages/clock.hpp"
#include "actors/graph_port.hpp"

namespace m365::test {

class scripted_port : public graph_port {
public:
  // -- what the test scripts -------------------------------------------------------------------

  /// Answer every token request at once with a new token (else they wait for answer_token).
  bool tokens_at_once = false;
  /// request_token throws, as a defect in an adapter would: the token actor fails.
  bool throw_on_token_request = false;
  /// Lifetime of the tokens answer_token hands out (expires_at = now + this, wall clock).
  std::chrono::milliseconds token_lifetime = std::chrono::hours{1};

  // -- what the test sees ----------------------------------------------------------------------

  size_t token_requests = 0;  ///< request_token calls so far
  size_t fetches = 0;         ///< fetch_messages and fetch_events calls so far
  bool stopped = false;       ///< stop() was called (the tenant ended)

  /// Token requests not answered yet.
  size_t waiting_token_requests() const { return waiting_.size(); }

  /// Answers the oldest waiting token request with a new token "token-<n>"; returns its value.
  std::string answer_token() {
    auto token = next_token();
    auto done = take_waiting();
    done(token);
    return token.value;
  }

  /// Fails the oldest waiting token request with `err`.
  void fail_token(caf::error err) { take_waiting()(std::move(err)); }

  // -- graph_port ------------------------------------------------------------------------------

  void stop() override { stopped = true; }

  void request_token(token_callback done) override {
    ++token_requests;
    if (throw_on_token_request)
      throw std::runtime_error("scripted port: request_token failed");
    if (tokens_at_once)
      done(next_token());
    else
      waiting_.push_back(std::move(done));
  }

  void fetch_messages(const delta_request&, const access_token&, email_callback done) override {
    ++fetches;
    email_page page;
    page.final_page = true;
    page.link.url = "delta:1";
    done(std::move(page));
  }

  void fetch_events(const delta_request&, const access_token&, event_callback done) override {
    ++fetches;
    event_page page;
    page.final_page = true;
    page.link.url = "calendar-delta:1";
    done(std::move(page));
  }

private:
  access_token next_token() {
    access_token t;
    t.value = "token-" + std::to_string(++issued_);
    t.expires_at = now_ms() + token_lifetime.count();
    return t;
  }

  token_callback take_waiting() {
    if (waiting_.empty())
      throw std::logic_error("scripted port: no token request is waiting");
    auto done = std::move(waiting_.front());
    waiting_.pop_front();
    return done;
  }

  std::deque<token_callback> waiting_;
  size_t issued_ = 0;
};

/// Makes a scripted_port per tenant start (each start gets a new one), or refuses.
class scripted_port_factory : public graph_port_factory {
public:
  /// When set, make_port refuses with it (bad endpoints, unreadable credential).
  caf::error refuse;
  /// Applied to every new port before it is handed out; default: tokens answered at once.
  std::function<void(const tenant_settings&, scripted_port&)> prepare =
    [](const tenant_settings&, scripted_port& p) { p.tokens_at_once = true; };
  /// Every port made, in order, with the tenant it was made for.
  std::vector<std::pair<tenant_id, std::shared_ptr<scripted_port>>> made;

  caf::expected<std::shared_ptr<graph_port>> make_port(const tenant_settings& t,
                                                      std::shared_ptr<spdlog::logger>) override {
    if (refuse)
      return refuse;
    auto port = std::make_shared<scripted_port>();
    if (prepare)
      prepare(t, *port);
    made.emplace_back(t.id, port);
    return std::shared_ptr<graph_port>{port};
  }

  /// The latest port made for `tenant`; null when none was.
  std::shared_ptr<scripted_port> latest(const tenant_id& tenant) const {
    for (auto i = made.rbegin(); i != made.rend(); ++i)
      if (i->first == tenant)
        return i->second;
    return nullptr;
  }
};

} // namespace m365::test
