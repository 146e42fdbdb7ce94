// Ownership: one client per tenant, shared (shared_ptr) by that tenant's mailbox and calendar
// actors. Thread-safe entry point: submit() may be called from any thread; all state lives on
// the transport's strand and completion callbacks run there (keep them short: turn the
// response into an actor message and return).
//
// The adapters library in one picture (everything CAF-free):
//
//   actor ──submit(graph_request{url, mailbox, bearer_token}, cb)──> graph_client
//                                          │ (one per tenant, on an asio strand)
//                                          │ link_guard: URL on the tenant's Graph base? else
//                                          │   foreign_host, warned on the tenant's logger
//                                          │ mailbox_gate: ≤4 in flight, throttle pause, 10k/10min
//                                          │ http_transport: keep-alive pool per host:port, TLS verify
//                                          │ retry_policy: Retry-After, backoff from a floor, cap,
//                                          │   attempt budget (the engine's only request retries)
//   actor <──cb(graph_response{body: padded})──┘
//   actor: message_page_decoder / event_page_decoder .decode(body, page_context) -> email_page
//
// The client holds no token: each request carries the one its stream got from the tenant's
// token actor (no shared slot that a stream holding an old token could write back into). A
// 401 is answered as `unauthorized` at once; the stream actor owns the one forced refresh.
//
// Typical use by a mailbox actor (the callback runs on the asio strand: only send a message):
//
//   auto req = m365::initial_message_delta(graph_base, mailbox, "inbox", 100);  // or follow_link
//   req.bearer_token = token.value;
//   client->submit(std::move(req), [self = caf::actor{self}](m365::graph_response r) {
//     caf::anon_send(self, page_fetched_atom_v, std::move(r));   // move: the body is not copied
//   });   // (graph_response needs a type id in the actor layer, or decode here and send the page)
//   // in the actor: if (!r.ok) map r.error (graph_errc) ...; else
//   //   auto page = decoder_.decode(r.body, ctx);   // expected<email_page>; corrupted -> bad_response
//   //   page->link.url is the next/delta link: the next submit checks it before anything is sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/verb.hpp>

#include "adapters/graph_endpoint.hpp"
#include "adapters/http_transport.hpp"
#include "adapters/link_guard.hpp"
#include "adapters/mailbox_gate.hpp"
#include "adapters/padded_body.hpp"
#include "adapters/retry_policy.hpp"
#include "messages/errors.hpp"
#include "messages/expected.hpp"

namespace spdlog { class logger; }

namespace m365 {

/// One Graph call. `url` is absolute: built with graph_requests or a server-supplied link; it
/// is checked against the tenant's Graph base before anything is sent.
struct graph_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;
  std::string mailbox;  ///< throttle key (UPN or object id): per-mailbox limits apply to it
  std::vector<std::pair<std::string, std::string>> headers;  ///< e.g. Prefer
  std::string body;                                          ///< JSON for POST/PATCH
  /// The access token to send. Secret: it goes only to the tenant's Graph base (the guard
  /// refuses other hosts before anything is sent) and is never logged.
  std::string bearer_token;
};

/// The outcome of a graph_request after the client's retries (the only ones it gets).
struct graph_response {
  bool ok = false;
  graph_errc error = graph_errc::transport;  ///< meaningful when !ok
  std::string message;       ///< operator-facing; never holds a token
  unsigned http_status = 0;  ///< last status seen (0: no answer)
  std::string graph_code;    ///< Graph's error code ("syncStateNotFound") when !ok
  std::string location;      ///< Location header of a 201/3xx, unchecked (a later submit checks it)
  std::string request_id;
  padded_body body;          ///< the answer's body, padded for the decoders
  int attempts = 0;
  std::chrono::milliseconds elapsed{0};  ///< from submit to completion, waits included
};

struct graph_client_settings {
  graph_endpoint graph;          ///< the tenant's Graph base (tokens go only there)
  http_settings http;
  retry_settings retry;
  mailbox_limits mailbox;
  uint64_t jitter_seed = 0;      ///< 0 = seed from std::random_device
  /// The tenant's logger (every line carries the tenant id): refused foreign hosts and
  /// throttle pauses are logged there. Null: nothing is logged.
  std::shared_ptr<spdlog::logger> log;
};

class graph_client : public std::enable_shared_from_this<graph_client> {
public:
  using callback = std::function<void(graph_response)>;
  using clock = std::chrono::steady_clock;

  /// A client on `io` (which the caller runs, on one or more threads).
  static expected<std::shared_ptr<graph_client>> create(boost::asio::io_context& io,
                                                        graph_client_settings settings);

  /// Queues `req`; `done` runs exactly once, on the client's strand. A URL outside the
  /// tenant's Graph base fails with foreign_host before any connection or token use; a
  /// request without a token fails with unauthorized before anything is sent.
  void submit(graph_request req, callback done);

  /// Fails every queued request with `transport` ("client stopped"), closes idle
  /// connections; later submits fail the same way. In-flight exchanges finish.
  void stop();

  struct counters {
    uint64_t submitted = 0, completed = 0, retries = 0, throttled = 0, foreign_host = 0;
    uint32_t max_in_flight_seen = 0;  ///< largest in-flight count of any one mailbox
  };
  /// Snapshot; call from the strand or after the io_context stopped.
  counters stats() const { return counters_; }
  std::shared_ptr<http_transport> transport() const { return transport_; }

  graph_client(std::shared_ptr<http_transport> transport, graph_client_settings settings);

private:
  struct operation {
    graph_request req;
    std::string target;  ///< origin-form, validated
    callback done;
    int attempts = 0;  ///< sends so far
    clock::time_point submitted_at;
    unsigned last_status = 0;
  };
  using op_ptr = std::shared_ptr<operation>;
  struct mailbox_state {
    explicit mailbox_state(mailbox_limits limits) : gate(limits) {}
    mailbox_gate gate;
    std::deque<op_ptr> queue;
    std::unique_ptr<boost::asio::steady_timer> wake;
    bool wake_armed = false;
  };

  void enqueue(op_ptr op, bool front);
  void pump(const std::string& mailbox);
  void start(const std::string& mailbox, op_ptr op);
  void on_reply(const std::string& mailbox, op_ptr op, http_reply reply);
  void retry_later(const std::string& mailbox, op_ptr op, std::chrono::milliseconds delay);
  void complete(op_ptr op, graph_response res);
  void fail(op_ptr op, graph_errc code, std::string message);
  mailbox_state& state_of(const std::string& mailbox);

  std::shared_ptr<http_transport> transport_;
  graph_client_settings settings_;
  link_guard guard_;
  retry_policy policy_;
  std::mt19937_64 rng_;
  std::unordered_map<std::string, std::unique_ptr<mailbox_state>> mailboxes_;
  counters counters_;
  bool stopped_ = false;
};

} // namespace m365
