#include "actors/graph_binding.hpp"

#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include "adapters/event_page_decoder.hpp"
#include "adapters/graph_endpoint.hpp"
#include "adapters/graph_requests.hpp"
#include "adapters/http_transport.hpp"
#include "adapters/message_page_decoder.hpp"

namespace m365 {

namespace {

caf::error to_error(graph_errc code, std::string message) {
  return caf::make_error(code, std::move(message));
}

class adapter_port : public graph_port, public std::enable_shared_from_this<adapter_port> {
public:
  adapter_port(std::shared_ptr<void> lease, tenant_settings tenant, graph_endpoint graph,
               std::shared_ptr<http_transport> transport, std::shared_ptr<graph_client> client,
               token_client identity, bool with_body)
    : lease_(std::move(lease)),
      tenant_(std::move(tenant)),
      graph_(std::move(graph)),
      transport_(std::move(transport)),
      client_(std::move(client)),
      identity_(std::move(identity)),
      with_body_(with_body) {}

  ~adapter_port() override { client_->stop(); }

  void stop() override { client_->stop(); }

  void request_token(token_callback done) override {
    auto tenant = tenant_.id;
    identity_.fetch(transport_, [tenant, done = std::move(done)](token_outcome outcome) {
      if (!outcome.ok) {
        done(caf::make_error(outcome.error, outcome.message));
        return;
      }
      access_token token;
      token.tenant = tenant;
      token.value = std::move(outcome.token.value);
      token.expires_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                           outcome.token.expires_at.time_since_epoch())
                           .count();
      done(std::move(token));
    });
  }

  void fetch_messages(const delta_request& request, const access_token& token,
                      email_callback done) override {
    auto req = request.url.empty()
                 ? initial_message_delta(graph_, request.mailbox, request.folder,
                                         request.page_size, with_body_)
                 : follow_link(request.url, request.mailbox, request.page_size, false);
    fetch_page(std::move(req), request, token, &adapter_port::messages_, std::move(done));
  }

  void fetch_events(const delta_request& request, const access_token& token,
                    event_callback done) override {
    auto req = request.url.empty()
                 ? initial_calendar_delta(graph_, request.mailbox, request.window_start,
                                          request.window_end, request.page_size)
                 : follow_link(request.url, request.mailbox, request.page_size, true);
    fetch_page(std::move(req), request, token, &adapter_port::events_, std::move(done));
  }

private:
  /// Sends `req` and decodes the answer with this port's `Decoder` member.
  template <class Decoder, class Callback>
  void fetch_page(graph_request req, const delta_request& request, const access_token& token,
                  Decoder adapter_port::*decoder, Callback done) {
    req.bearer_token = token.value;  // travels with this request only
    auto ctx = context_for(request);
    auto self = shared_from_this();
    client_->submit(std::move(req), [self, ctx, decoder, done = std::move(done)](
                                      graph_response res) {
      if (!res.ok) {
        done(to_error(res.error, std::move(res.message)));
        return;
      }
      // Runs on the client's strand: one decoder per port is never used concurrently.
      auto page = ((*self).*decoder).decode(res.body, ctx);
      if (!page)
        done(to_error(graph_errc::bad_response, page.error().message()));
      else
        done(std::move(*page));
    });
  }

  page_context context_for(const delta_request& request) const {
    page_context ctx;
    ctx.tenant = tenant_.id;
    ctx.mailbox = request.mailbox;
    ctx.folder = request.folder;
    ctx.expected_items = request.page_size;
    return ctx;
  }

  std::shared_ptr<void> lease_;  ///< keeps graph_io's shutdown waiting for this port
  tenant_settings tenant_;
  graph_endpoint graph_;
  std::shared_ptr<http_transport> transport_;
  std::shared_ptr<graph_client> client_;
  token_client identity_;
  bool with_body_;
  message_page_decoder messages_;
  event_page_decoder events_;
};

} // namespace

graph_io::graph_io(size_t threads) : work_(boost::asio::make_work_guard(io_)) {
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i)
    threads_.emplace_back([this] { io_.run(); });
}

std::shared_ptr<void> graph_io::lease() {
  {
    std::lock_guard<std::mutex> guard{leases_mutex_};
    ++leases_;
  }
  return std::shared_ptr<void>(nullptr, [this](void*) {
    std::lock_guard<std::mutex> guard{leases_mutex_};
    if (--leases_ == 0)
      leases_released_.notify_all();
  });
}

bool graph_io::wait_released(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard{leases_mutex_};
  return leases_released_.wait_for(guard, timeout, [this] { return leases_ == 0; });
}

graph_io::~graph_io() {
  work_.reset();
  io_.stop();
  for (auto& t : threads_)
    t.join();
}

adapter_port_factory::adapter_port_factory(std::shared_ptr<graph_io> io,
                                           credential_loader credentials,
                                           adapter_port_options options)
  : io_(std::move(io)), credentials_(std::move(credentials)), options_(std::move(options)) {}

caf::expected<std::shared_ptr<graph_port>>
adapter_port_factory::make_port(const tenant_settings& tenant,
                                std::shared_ptr<spdlog::logger> log) {
  auto park = [&](const std::string& what, const status& why) {
    return caf::make_error(sync_errc::tenant_parked, what + ": " + why.message());
  };
  auto graph = graph_endpoint::parse(tenant.graph);
  if (!graph)
    return park("graph endpoint '" + tenant.graph + "'", graph.error());
  auto authority = graph_endpoint::parse(tenant.authority);
  if (!authority)
    return park("authority '" + tenant.authority + "'", authority.error());
  if (!credentials_)
    return caf::make_error(token_errc::no_credential, "no credential loader configured");
  auto credential = credentials_(tenant);
  if (!credential)
    return caf::make_error(token_errc::no_credential, credential.error().message());
  auto http = options_.http;
  http.ca_file = tenant.ca_file;
  auto transport = http_transport::create(io_->context(), http);
  if (!transport)
    return park("transport", transport.error());
  graph_client_settings settings;
  settings.graph = *graph;
  settings.http = http;
  settings.retry = options_.retry;
  settings.mailbox = options_.mailbox;
  settings.log = std::move(log);
  auto client = std::make_shared<graph_client>(*transport, settings);
  token_client identity{*authority, tenant.directory_id, std::move(*credential)};
  return std::shared_ptr<graph_port>{std::make_shared<adapter_port>(
    io_->lease(), tenant, *graph, *transport, std::move(client), std::move(identity),
    options_.with_body)};
}

} // namespace m365
