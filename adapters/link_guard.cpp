// Ownership: see header.
#include "adapters/link_guard.hpp"

#include <algorithm>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace m365 {

namespace {


status refuse(std::string_view why, std::string_view shown) {
  return status::permission_denied("foreign_host: " + std::string(why) + " (" + std::string(shown)
                                   + ")");
}

} // namespace

expected<std::string> link_guard::check(std::string_view link) const {
  auto parsed = boost::urls::parse_absolute_uri(link);
  if (!parsed)
    return refuse("link is not an absolute URL", "unparseable");
  boost::urls::url u(*parsed);
  const std::string scheme = ascii_lower(u.scheme());
  std::string host = ascii_lower(u.encoded_host());
  const std::string shown = scheme + "://" + host + (u.has_port() ? ":" + std::string(u.port()) : "");
  if (u.has_userinfo())
    return refuse("link carries user info", shown);
  if (raw_authority(link) != parsed->encoded_authority())
    return refuse("link's host does not parse unambiguously", "unparseable authority");
  if (scheme != base_.scheme)
    return refuse("scheme differs from the configured " + base_.scheme, shown);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host != base_.host)
    return refuse("host differs from the configured " + base_.host, shown);
  uint16_t port = scheme == "https" ? 443 : 80;
  if (u.has_port() && !u.port().empty())
    port = u.port_number();
  if (port != base_.port || (u.has_port() && !u.port().empty() && port == 0))
    return refuse("port differs from the configured " + std::to_string(base_.port), shown);
  u.normalize_path();
  std::string path(u.encoded_path());
  const std::string& prefix = base_.path_prefix;
  const bool under = prefix.empty()
                     || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0
                         && path[prefix.size()] == '/');
  if (!under || path.find("/../") != std::string::npos || path.find('\\') != std::string::npos
      || path.find("%2f") != std::string::npos || path.find("%2F") != std::string::npos)
    return refuse("path is outside " + (prefix.empty() ? std::string("/") : prefix), shown);
  std::string target = path.empty() ? "/" : path;
  if (u.has_query()) {
    target += '?';
    target += std::string(u.encoded_query());
  }
  return target;
}

} // namespace m365
