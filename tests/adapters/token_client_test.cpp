// The client-credentials request and the mapping of identity platform errors to what an
// operator must do; secrets never appear in messages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/url_view.hpp>

#include "adapters/token_client.hpp"
#include "fixture_body.hpp"
#include "test_certificate.hpp"

using namespace m365;
using m365::test::fixture_body;

namespace {

const std::string secret = "s3cr3t~Value.With+Special/Chars=";

token_client secret_client() {
  auto authority = graph_endpoint::parse("https://login.microsoftonline.com");
  REQUIRE(authority.has_value());
  client_credential cred;
  cred.client_id = "11111111-2222-3333-4444-555555555555";
  cred.client_secret = secret;
  return token_client{*authority, "contoso.onmicrosoft.com", cred};
}

/// The form body's fields, decoded.
std::map<std::string, std::string> form_fields(const std::string& body) {
  auto params = boost::urls::parse_query(body);
  REQUIRE(params.has_value());
  std::map<std::string, std::string> out;
  for (auto p : boost::urls::params_view(*params))
    out[p.key] = p.value;
  return out;
}

padded_body error_body(const std::string& error, int64_t code) {
  return padded_body{R"({"error":")" + error + R"(","error_description":"AADSTS)" + std::to_string(code)
                     + R"(: explanation.\r\nTrace ID: x","error_codes":[)" + std::to_string(code) + "]}"};
}

} // namespace

TEST_CASE("a secret credential builds the client-credentials form for the .default scope",
          "[adapters][token]") {
  auto client = secret_client();
  CHECK(client.token_endpoint_url()
        == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  auto req = client.build_request(1700000000);
  REQUIRE(req.has_value());
  CHECK(req->target == "/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(req->content_type == "application/x-www-form-urlencoded");
  auto fields = form_fields(req->body);
  CHECK(fields["grant_type"] == "client_credentials");
  CHECK(fields["client_id"] == "11111111-2222-3333-4444-555555555555");
  CHECK(fields["scope"] == "https://graph.microsoft.com/.default");
  CHECK(fields["client_secret"] == secret);
  CHECK(fields.count("client_assertion") == 0);
}

TEST_CASE("a certificate credential sends a JWT assertion instead of a secret", "[adapters][token]") {
  auto cert = m365::test::make_test_certificate();
  auto assertion = client_assertion::load(cert.cert_pem, cert.key_pem);
  REQUIRE(assertion.has_value());
  client_credential cred;
  cred.client_id = "app-id";
  cred.assertion = std::make_shared<client_assertion>(*assertion);
  token_client client{*graph_endpoint::parse("https://login.microsoftonline.us"), "tenant-guid", cred};
  auto req = client.build_request(1700000000);
  REQUIRE(req.has_value());
  auto fields = form_fields(req->body);
  CHECK(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  CHECK(std::count(fields["client_assertion"].begin(), fields["client_assertion"].end(), '.') == 2);
  CHECK(fields.count("client_secret") == 0);
}

TEST_CASE("a successful reply gives the token and its expiry", "[adapters][token]") {
  const auto now = std::chrono::system_clock::from_time_t(1700000000);
  auto out = secret_client().interpret(200, fixture_body("token_success.json"), now);
  REQUIRE(out.ok);
  CHECK(out.token.expires_at == now + std::chrono::seconds{3599});
  CHECK(out.token.value.rfind("eyJ0eXAi", 0) == 0);
}

TEST_CASE("AADSTS errors map to token_errc with an operator action and no secret",
          "[adapters][token]") {
  const auto now = std::chrono::system_clock::now();
  auto client = secret_client();
  struct row { const char* error; int64_t code; token_errc want; const char* advice; };
  for (auto r : {row{"invalid_client", 7000215, token_errc::invalid_secret, "VALUE (not its ID)"},
                 row{"invalid_client", 7000222, token_errc::expired_secret, "Create a new secret"},
                 row{"unauthorized_client", 700016, token_errc::app_not_in_tenant, "admin consent"},
                 row{"invalid_request", 90002, token_errc::tenant_not_found, "directory_id"},
                 row{"invalid_client", 700027, token_errc::bad_certificate, "certificate"}}) {
    auto out = client.interpret(400, error_body(r.error, r.code), now);
    INFO(r.code);
    CHECK_FALSE(out.ok);
    CHECK(out.error == r.want);
    CHECK_FALSE(out.transient);
    CHECK(out.message.find("AADSTS" + std::to_string(r.code)) != std::string::npos);
    CHECK(out.message.find(r.advice) != std::string::npos);
    CHECK(out.message.find("contoso.onmicrosoft.com") != std::string::npos);
    CHECK(out.message.find(secret) == std::string::npos);
  }
  auto scope = client.interpret(400, fixture_body("token_error_invalid_scope.json"), now);
  CHECK(scope.error == token_errc::invalid_scope);
}

TEST_CASE("server trouble at the token endpoint is transient", "[adapters][token]") {
  auto client = secret_client();
  const auto now = std::chrono::system_clock::now();
  auto html = client.interpret(502, padded_body{"<html>Bad Gateway</html>"}, now);
  CHECK(html.error == token_errc::endpoint_error);
  CHECK(html.transient);
  auto busy = client.interpret(503, padded_body{R"({"error":"temporarily_unavailable"})"}, now);
  CHECK(busy.error == token_errc::endpoint_error);
  CHECK(busy.transient);
  CHECK(aadsts_code({}, "AADSTS90002: Tenant not found") == 90002);
}
