// Ownership: see header.
#include "adapters/graph_endpoint.hpp"

#include <algorithm>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace m365 {

std::string_view raw_authority(std::string_view url) noexcept {
  const auto start = url.find("//");
  if (start == std::string_view::npos)
    return {};
  const auto rest = url.substr(start + 2);
  return rest.substr(0, rest.find_first_of("/?#"));
}

bool is_loopback_host(std::string_view host) noexcept {
  if (host == "localhost" || host == "::1" || host == "[::1]")
    return true;
  // 127.0.0.0/8 as a dotted quad.
  if (host.substr(0, 4) != "127.")
    return false;
  int parts = 0, value = -1;
  for (char c : host) {
    if (c == '.') {
      if (value < 0 || value > 255)
        return false;
      ++parts;
      value = -1;
    } else if (c >= '0' && c <= '9') {
      value = (value < 0 ? 0 : value * 10) + (c - '0');
      if (value > 255)
        return false;
    } else {
      return false;
    }
  }
  return parts == 3 && value >= 0;
}

std::string graph_endpoint::origin() const {
  std::string out = scheme + "://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const uint16_t default_port = scheme == "https" ? 443 : 80;
  if (port != default_port)
    out += ":" + std::to_string(port);
  return out;
}

std::string graph_endpoint::url(std::string_view path) const {
  std::string out = origin();
  out += path_prefix;
  out.append(path.data(), path.size());
  return out;
}

std::string graph_endpoint::host_port() const {
  return host + ":" + std::to_string(port);
}

expected<graph_endpoint> graph_endpoint::parse(std::string_view base) {
  auto parsed = boost::urls::parse_absolute_uri(base);
  if (!parsed)
    return status::invalid_argument("endpoint '" + std::string(base) + "' is not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  graph_endpoint ep;
  ep.scheme = ascii_lower(u.scheme());
  if (ep.scheme != "https" && ep.scheme != "http")
    return status::invalid_argument("endpoint '" + std::string(base)
                                    + "': only https (or http to loopback) is supported");
  if (raw_authority(base) != u.encoded_authority())
    return status::invalid_argument("endpoint '" + std::string(base) + "' has an ambiguous host");
  if (u.has_userinfo() || u.has_query() || u.has_fragment())
    return status::invalid_argument("endpoint '" + std::string(base)
                                    + "' must not carry user info, a query or a fragment");
  std::string host = ascii_lower(u.encoded_host());
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || host.find('%') != std::string::npos)
    return status::invalid_argument("endpoint '" + std::string(base) + "' has no valid host");
  ep.host = host;
  ep.port = ep.scheme == "https" ? 443 : 80;
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0)
      return status::invalid_argument("endpoint '" + std::string(base) + "' has an invalid port");
    ep.port = u.port_number();
  }
  if (ep.scheme == "http" && !is_loopback_host(ep.host))
    return status::invalid_argument(
      "endpoint '" + std::string(base)
      + "': plain http is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost); "
        "use https");
  std::string path(u.encoded_path());
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  ep.path_prefix = path;
  return ep;
}

} // namespace m365
