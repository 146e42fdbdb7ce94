// Ownership: free functions, no state; safe from any thread.
// Which base URLs a tenant may point its authority and Graph endpoints at.
#pragma once

#include <string>

#include "messages/status.hpp"

namespace m365 {

/// Ok when `url` may be used as a tenant endpoint (authority or Graph base): an absolute
/// `https://` URL with a host, or `http://` when the host is a loopback address (127.0.0.0/8,
/// ::1, localhost) such as the simulator. User info (`user:pass@`), queries and fragments are
/// refused: a base URL has none, and user info would be a secret in plain sight.
/// On failure: invalid_argument with a message meant to follow "<path>: ".
status check_endpoint_url(const std::string& url);

/// True when `host` (a bare host name or address, IPv6 without brackets) is a loopback address.
bool is_loopback_host(const std::string& host) noexcept;

} // namespace m365
