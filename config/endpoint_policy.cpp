// Endpoint URL policy: https everywhere, plain http only on loopback.
#include "config/endpoint_policy.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>

#include "messages/ascii_case.hpp"

namespace m365 {

bool is_loopback_host(const std::string& host) noexcept {
  std::string h = ascii_lower(host);
  if (h == "localhost" || h == "localhost.") return true;
  if (auto v4 = boost::urls::parse_ipv4_address(h)) return v4->is_loopback();
  if (auto v6 = boost::urls::parse_ipv6_address(h)) return v6->is_loopback();
  return false;
}

status check_endpoint_url(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return status::invalid_argument("must be an absolute URL such as https://graph.microsoft.com"
                                    "/v1.0 (got '" + url + "')");
  }
  // Never echo a URL with user info: the part before '@' may be a password.
  if (parsed->has_userinfo()) {
    return status::invalid_argument("must not contain user info (user:password@)");
  }
  std::string scheme = ascii_lower(parsed->scheme());
  if (scheme != "https" && scheme != "http") {
    return status::invalid_argument("must be an https:// URL (got '" + url + "')");
  }
  if (parsed->encoded_host().empty()) {
    return status::invalid_argument("must name a host (got '" + url + "')");
  }
  if (parsed->has_query() || parsed->has_fragment()) {
    return status::invalid_argument("must not contain a query or fragment (got '" + url + "')");
  }
  if (scheme == "http") {
    std::string host;
    switch (parsed->host_type()) {
      case boost::urls::host_type::ipv4:
        host = parsed->host_ipv4_address().to_string();
        break;
      case boost::urls::host_type::ipv6:
        host = parsed->host_ipv6_address().to_string();
        break;
      case boost::urls::host_type::name:
        host = parsed->host_name();
        break;
      default:
        break;
    }
    if (!is_loopback_host(host)) {
      return status::invalid_argument(
        "must be an https:// URL; plain http:// is accepted only for loopback hosts "
        "(127.0.0.0/8, ::1, localhost) (got '" + url + "')");
    }
  }
  return status::ok();
}

} // namespace m365
