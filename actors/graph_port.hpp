// Ownership: one graph_port per running tenant, shared by that tenant's actors; created by the
// tenant supervisor through a graph_port_factory. Threading: calls come from actor threads;
// callbacks run on the port's I/O threads (never on the caller's stack) and must only send
// messages. The port holds the tenant's credential and endpoints; the engine never sees them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "messages/engine.hpp"
#include "messages/error_registration.hpp"
#include "messages/pages.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// What a stream actor asks for: the next page of one folder (or of the calendar window).
struct delta_request {
  std::string mailbox;           ///< UPN or object id
  std::string folder;            ///< mail folder name, or "calendar"
  std::string url;               ///< next/delta link; empty = start a new delta round
  uint32_t page_size = 100;
  timestamp_ms window_start = 0; ///< calendar only
  timestamp_ms window_end = 0;   ///< calendar only
};

/// The engine's way to reach Microsoft Graph and the identity platform for one tenant.
/// Errors are caf::error of graph_errc or token_errc; a page's link carries only `url`
/// (the stream actor fills tenant, user, folder, phase and generation).
class graph_port {
public:
  using token_callback = std::function<void(caf::expected<access_token>)>;
  using email_callback = std::function<void(caf::expected<email_page>)>;
  using event_callback = std::function<void(caf::expected<event_page>)>;

  virtual ~graph_port() = default;

  /// Fails every queued request of the tenant and refuses new ones (in-flight exchanges end on
  /// their own). Called when the tenant stops: nothing of a disabled tenant is requested any
  /// more, even what was waiting for a Retry-After. Idempotent.
  virtual void stop() {}

  /// Client-credentials grant against the tenant's authority.
  virtual void request_token(token_callback done) = 0;
  /// One page of messages/delta. The token goes only to the tenant's Graph host.
  virtual void fetch_messages(const delta_request& request, const access_token& token,
                              email_callback done) = 0;
  /// One page of calendarView/delta.
  virtual void fetch_events(const delta_request& request, const access_token& token,
                            event_callback done) = 0;
};

/// Builds the port of a tenant from its settings (endpoints, CA file, credential in the store).
class graph_port_factory {
public:
  virtual ~graph_port_factory() = default;
  virtual caf::expected<std::shared_ptr<graph_port>> make_port(const tenant_settings& tenant) = 0;
};

} // namespace m365
