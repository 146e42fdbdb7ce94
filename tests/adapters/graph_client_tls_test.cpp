// HTTPS with verification on: a tenant CA file makes a private certificate trusted, an unknown
// issuer or a certificate for another name is refused before any request is sent; the token
// client reaches the authority over the same transport.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "adapters/graph_client.hpp"
#include "adapters/graph_requests.hpp"
#include "adapters/token_client.hpp"
#include "fixture_body.hpp"
#include "test_certificate.hpp"
#include "test_graph_server.hpp"

using namespace m365;
using namespace std::chrono_literals;
using m365::test::test_graph_server;

namespace {

/// A TLS server context with a throwaway certificate; the PEM is also written to a CA file.
struct tls_identity {
  explicit tls_identity(const std::string& alt_names) {
    auto c = m365::test::make_test_certificate("m365sync test server", alt_names);
    ctx.use_certificate_chain(boost::asio::buffer(c.cert_pem));
    ctx.use_private_key(boost::asio::buffer(c.key_pem), boost::asio::ssl::context::pem);
    char name[] = "/tmp/m365-test-ca-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    ca_file = name;
    std::ofstream(ca_file) << c.cert_pem;
  }
  ~tls_identity() { std::remove(ca_file.c_str()); }
  boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_server};
  std::string ca_file;
};

struct run_io {
  run_io() : thread([this] { io.run(); }) {}
  ~run_io() {
    work.reset();
    io.stop();
    thread.join();
  }
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
};

graph_response call(boost::asio::io_context& io, const std::string& base, const std::string& ca_file) {
  graph_client_settings s;
  s.graph = *graph_endpoint::parse(base);
  s.http.ca_file = ca_file;
  s.retry.max_attempts = 1;
  auto client = graph_client::create(io, s);
  REQUIRE(client.has_value());
  std::promise<graph_response> p;
  auto f = p.get_future();
  auto req = follow_link(base + "/users/a/messages", "a", 10, false);
  req.bearer_token = "tls-token";
  (*client)->submit(std::move(req), [&p](graph_response r) { p.set_value(std::move(r)); });
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  return f.get();
}

} // namespace

TEST_CASE("https to a server whose certificate the tenant's CA file trusts succeeds",
          "[adapters][client][tls]") {
  tls_identity id("DNS:localhost,IP:127.0.0.1");
  test_graph_server server([](const auto&) { return test_graph_server::reply{200, {}, "{}"}; }, &id.ctx);
  run_io rt;
  auto by_ip = call(rt.io, server.base("127.0.0.1"), id.ca_file);
  CHECK(by_ip.ok);
  auto by_name = call(rt.io, server.base("localhost"), id.ca_file);
  CHECK(by_name.ok);
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].authorization == "Bearer tls-token");
}

TEST_CASE("an untrusted certificate is refused during the handshake and nothing is sent",
          "[adapters][client][tls]") {
  tls_identity id("DNS:localhost,IP:127.0.0.1");
  test_graph_server server([](const auto&) { return test_graph_server::reply{200, {}, "{}"}; }, &id.ctx);
  run_io rt;
  auto res = call(rt.io, server.base(), "");  // system CAs only
  REQUIRE_FALSE(res.ok);
  CHECK(res.error == graph_errc::transport);
  CHECK(res.message.find("during tls") != std::string::npos);
  CHECK(res.message.find("certificate verify failed") != std::string::npos);
  CHECK(server.requests().empty());
}

TEST_CASE("a trusted certificate for another host name is refused", "[adapters][client][tls]") {
  tls_identity id("DNS:other.example");
  test_graph_server server([](const auto&) { return test_graph_server::reply{200, {}, "{}"}; }, &id.ctx);
  run_io rt;
  for (auto host : {"127.0.0.1", "localhost"}) {
    auto res = call(rt.io, server.base(host), id.ca_file);
    INFO(host);
    REQUIRE_FALSE(res.ok);
    CHECK(res.message.find("certificate verify failed") != std::string::npos);
  }
  CHECK(server.requests().empty());
}

TEST_CASE("the token client posts the form to the authority and reads the token",
          "[adapters][token][tls]") {
  tls_identity id("DNS:localhost,IP:127.0.0.1");
  std::string body_seen, target_seen, auth_seen;
  test_graph_server server([&](const test_graph_server::request& req) {
    body_seen = req.body();
    target_seen = std::string(req.target());
    auth_seen = std::string(req[boost::beast::http::field::authorization]);
    return test_graph_server::reply{200, {}, m365::test::fixture_text("token_success.json")};
  }, &id.ctx);
  run_io rt;
  http_settings hs;
  hs.ca_file = id.ca_file;
  auto transport = http_transport::create(rt.io, hs);
  REQUIRE(transport.has_value());
  auto authority = graph_endpoint::parse("https://127.0.0.1:" + std::to_string(server.port()));
  REQUIRE(authority.has_value());
  client_credential cred;
  cred.client_id = "app";
  cred.client_secret = "secret-value";
  token_client tokens{*authority, "contoso.onmicrosoft.com", cred};
  std::promise<token_outcome> p;
  auto f = p.get_future();
  tokens.fetch(*transport, [&p](token_outcome o) { p.set_value(std::move(o)); });
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  auto out = f.get();
  REQUIRE(out.ok);
  CHECK(out.token.value.rfind("eyJ0eXAi", 0) == 0);
  CHECK(target_seen == "/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(body_seen.find("client_secret=secret-value") != std::string::npos);
  CHECK(auth_seen.empty());
}

TEST_CASE("an unreachable token endpoint is a transient endpoint_error", "[adapters][token]") {
  run_io rt;
  auto transport = http_transport::create(rt.io, {});
  REQUIRE(transport.has_value());
  uint16_t closed_port = 0;
  {
    boost::asio::io_context tmp;
    boost::asio::ip::tcp::acceptor a(tmp, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  client_credential cred;
  cred.client_id = "app";
  cred.client_secret = "secret-value";
  token_client tokens{*graph_endpoint::parse("http://127.0.0.1:" + std::to_string(closed_port)),
                      "t", cred};
  std::promise<token_outcome> p;
  auto f = p.get_future();
  tokens.fetch(*transport, [&p](token_outcome o) { p.set_value(std::move(o)); });
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  auto out = f.get();
  CHECK_FALSE(out.ok);
  CHECK(out.error == token_errc::endpoint_error);
  CHECK(out.transient);
  CHECK(out.message.find("secret-value") == std::string::npos);
}
