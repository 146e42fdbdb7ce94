// Ownership: value type, immutable; safe to share between threads.
// The check that keeps a tenant's token on that tenant's configured Graph host.
#pragma once

#include <string>
#include <string_view>

#include "adapters/graph_endpoint.hpp"
#include "messages/expected.hpp"

namespace m365 {

/// Accepts a server-supplied link (`@odata.nextLink`, `@odata.deltaLink`, `Location`) only when
/// its scheme, host and port equal the configured base's and its path (after removing dot
/// segments and decoding unreserved escapes) lies under the base's path prefix. Links with user
/// info ("https://graph.microsoft.com@evil.example/") are always refused.
class link_guard {
public:
  explicit link_guard(graph_endpoint base) : base_(std::move(base)) {}

  /// The request target ("/v1.0/users/x/messages/delta?$skiptoken=..") of an accepted link, or
  /// status_code::permission_denied whose message starts with "foreign_host" and shows only
  /// the link's origin (never a token or query).
  expected<std::string> check(std::string_view link) const;

  const graph_endpoint& base() const noexcept { return base_; }

private:
  graph_endpoint base_;
};

} // namespace m365
