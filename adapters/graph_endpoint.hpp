// Ownership: value type, immutable after parse; safe to share between threads.
// One configured base URL (a tenant's Graph base or authority), split for connecting and for
// comparing server-supplied links against it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/ascii_case.hpp"
#include "messages/expected.hpp"

namespace m365 {

struct graph_endpoint {
  std::string scheme;       ///< "https" or "http" (loopback only)
  std::string host;         ///< lower-case; IPv6 without brackets
  uint16_t port = 443;      ///< effective port (default of the scheme when absent)
  std::string path_prefix;  ///< "/v1.0"; empty for an authority; never ends with '/'

  bool tls() const noexcept { return scheme == "https"; }
  /// "https://graph.microsoft.com" or "http://127.0.0.1:8080" (brackets around IPv6).
  std::string origin() const;
  /// origin() + path_prefix + `path` (which starts with '/').
  std::string url(std::string_view path) const;
  /// "graph.microsoft.com:443": the connection pool key.
  std::string host_port() const;

  /// Parses a configured base such as "https://graph.microsoft.com/v1.0". Refuses userinfo,
  /// query, fragment, schemes other than https/http, and `http` to anything but a loopback
  /// host (127.0.0.0/8, ::1, localhost): plain text would expose tokens on the wire.
  static expected<graph_endpoint> parse(std::string_view base);
};

/// The authority exactly as written in `url` (between "//" and the next '/', '?' or '#').
/// Boost.URL 1.81 accepts "http://127.0.0.1.evil.example/x" and reports the authority as
/// "127.0.0.1" (an IPv4 prefix wins); comparing with the raw text catches such mismatches.
std::string_view raw_authority(std::string_view url) noexcept;


/// True for "localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host) noexcept;

} // namespace m365
