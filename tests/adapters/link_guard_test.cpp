// The token never leaves the tenant's configured Graph host: server-supplied links are
// accepted only on the same scheme, host, port and path prefix.
#include <catch2/catch.hpp>

#include "adapters/link_guard.hpp"

using namespace m365;

namespace {

link_guard graph_guard() {
  auto ep = graph_endpoint::parse("https://graph.microsoft.com/v1.0");
  REQUIRE(ep.has_value());
  return link_guard{*ep};
}

void refused(const link_guard& guard, const std::string& link) {
  auto r = guard.check(link);
  INFO(link);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == status_code::permission_denied);
  CHECK(r.error().message().rfind("foreign_host: ", 0) == 0);
  CHECK(r.error().message().find("skiptoken") == std::string::npos);
}

} // namespace

TEST_CASE("a link on the configured host and prefix yields its request target",
          "[adapters][link_guard]") {
  auto guard = graph_guard();
  auto t = guard.check("https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/"
                       "messages/delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM");
  REQUIRE(t.has_value());
  CHECK(*t == "/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM");
  CHECK(guard.check("HTTPS://Graph.Microsoft.COM:443/v1.0/users").has_value());
}

TEST_CASE("links to other hosts, ports, schemes or paths are refused as foreign_host",
          "[adapters][link_guard]") {
  auto guard = graph_guard();
  refused(guard, "https://evil.example/v1.0/me/messages/delta?$skiptoken=x");
  refused(guard, "https://graph.microsoft.com.evil.example/v1.0/me?$skiptoken=x");
  refused(guard, "https://graph.microsoft.com:8443/v1.0/me?$skiptoken=x");
  refused(guard, "http://graph.microsoft.com/v1.0/me?$skiptoken=x");           // downgrade
  refused(guard, "https://graph.microsoft.com@evil.example/v1.0/me?$skiptoken=x");  // userinfo
  refused(guard, "https://user:pw@graph.microsoft.com/v1.0/me?$skiptoken=x");
  refused(guard, "https://graph.microsoft.com/beta/me?$skiptoken=x");          // outside prefix
  refused(guard, "https://graph.microsoft.com/v1.0/../beta/me?$skiptoken=x");
  refused(guard, "https://graph.microsoft.com/v1.0/%2e%2e/beta/me?$skiptoken=x");
  refused(guard, "https://graph.microsoft.com/v1.0evil/me?$skiptoken=x");
  refused(guard, "https://graph.microsoft.com/v1.0");
  refused(guard, "https://graph.microsoft.com/v1.0#frag");
  refused(guard, "/v1.0/me/messages?$skiptoken=x");                            // relative
  refused(guard, "javascript:alert(1)");
}

TEST_CASE("plain http endpoints are accepted only for loopback hosts", "[adapters][link_guard]") {
  CHECK(graph_endpoint::parse("http://127.0.0.1:8080/v1.0").has_value());
  CHECK(graph_endpoint::parse("http://127.3.4.5/v1.0").has_value());
  CHECK(graph_endpoint::parse("http://localhost:9/v1.0").has_value());
  CHECK(graph_endpoint::parse("http://[::1]:8080/v1.0").has_value());
  auto remote = graph_endpoint::parse("http://graph.microsoft.com/v1.0");
  REQUIRE_FALSE(remote.has_value());
  CHECK(remote.error().message().find("only for loopback") != std::string::npos);
  CHECK_FALSE(graph_endpoint::parse("http://128.0.0.1/v1.0").has_value());
  CHECK_FALSE(graph_endpoint::parse("http://127.0.0.1.evil.example/v1.0").has_value());
  CHECK_FALSE(graph_endpoint::parse("ftp://graph.microsoft.com/v1.0").has_value());
  CHECK_FALSE(graph_endpoint::parse("https://u@graph.microsoft.com/v1.0").has_value());
}

TEST_CASE("an endpoint splits into origin, port and prefix", "[adapters][link_guard]") {
  auto ep = graph_endpoint::parse("http://127.0.0.1:8080/v1.0/");
  REQUIRE(ep.has_value());
  CHECK(ep->host == "127.0.0.1");
  CHECK(ep->port == 8080);
  CHECK(ep->path_prefix == "/v1.0");
  CHECK(ep->origin() == "http://127.0.0.1:8080");
  CHECK(ep->url("/users") == "http://127.0.0.1:8080/v1.0/users");
  link_guard guard{*ep};
  CHECK(guard.check("http://127.0.0.1:8080/v1.0/users?$deltatoken=1").has_value());
  refused(guard, "http://127.0.0.1:8081/v1.0/users?$skiptoken=1");
  refused(guard, "https://127.0.0.1:8080/v1.0/users?$skiptoken=1");
  // Boost.URL 1.81 reads the authority of this one as "127.0.0.1": must still be refused.
  refused(guard, "http://127.0.0.1.evil.example:8080/v1.0/users?$skiptoken=1");
}
