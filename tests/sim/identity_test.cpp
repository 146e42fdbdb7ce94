// The identity platform stand-in: client credentials with a secret or a certificate-signed JWT
// assertion, Entra's AADSTS error bodies, and Graph's 401s for expired and wrong-tenant tokens.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <memory>

#include "sim/base64url.hpp"
#include "sim/time_text.hpp"
#include "tests/sim/sim_harness.hpp"

using namespace m365::sim::testing;
using m365::sim::base64url_encode;
namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* k) {
  return std::string(o.at(k).as_string());
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string cert_sha256(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(len), md);
  OPENSSL_free(der);
  X509_free(x);
  BIO_free(b);
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

/// A client assertion as MSAL builds it.
std::string assertion(const json::object& tenant, const std::string& aud, int64_t exp, const std::string& alg,
                      const std::string& key_pem_override = {}) {
  std::string key_pem = key_pem_override.empty() ? str(tenant, "private_key_pem") : key_pem_override;
  json::object header{{"alg", alg}, {"typ", "JWT"}, {"x5t#S256", base64url_encode(cert_sha256(str(tenant, "certificate_pem")))}};
  int64_t now = m365::sim::unix_now();
  json::object payload{{"aud", aud}, {"iss", str(tenant, "client_id")}, {"sub", str(tenant, "client_id")},
                       {"jti", "a7d3b5c1"}, {"nbf", now - 5}, {"iat", now - 5}, {"exp", exp}};
  std::string signing = base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(payload));
  BIO* b = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, key);
  if (alg == "PS256") {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signing.data()), signing.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(signing.data()), signing.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  BIO_free(b);
  return signing + "." + base64url_encode(sig);
}

struct token_call {
  unsigned status;
  json::object body;
};

token_call post_token(sim_harness& h, const std::string& tenant_segment, const std::string& form) {
  auto r = h.http().request("POST", "/" + tenant_segment + "/oauth2/v2.0/token", form,
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  return {r.status, json::parse(r.body).as_object()};
}

std::string secret_form(const json::object& t, const std::string& secret, const std::string& scope = "https://graph.microsoft.com/.default") {
  return "grant_type=client_credentials&client_id=" + str(t, "client_id") + "&client_secret=" + url_encode(secret) +
         "&scope=" + url_encode(scope);
}

std::string assertion_form(const json::object& t, const std::string& jwt) {
  return "grant_type=client_credentials&client_id=" + str(t, "client_id") +
         "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" +
         jwt + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
}

int64_t aadsts(const token_call& c) {
  return c.body.at("error_codes").as_array().at(0).as_int64();
}

} // namespace

TEST_CASE("a client secret gets a JWT-shaped token carrying tid and exp", "[sim][identity]") {
  sim_harness h;
  auto& t = h.tenant(0);
  auto c = post_token(h, str(t, "directory_id"), secret_form(t, str(t, "client_secret")));
  REQUIRE(c.status == 200);
  CHECK(str(c.body, "token_type") == "Bearer");
  CHECK(c.body.at("expires_in").as_int64() == 3599);
  std::string tok = str(c.body, "access_token");
  auto d1 = tok.find('.'), d2 = tok.rfind('.');
  REQUIRE(d1 != d2);
  auto payload = json::parse(*m365::sim::base64_decode_any(tok.substr(d1 + 1, d2 - d1 - 1))).as_object();
  CHECK(str(payload, "tid") == str(t, "directory_id"));
  CHECK(payload.at("exp").as_int64() > m365::sim::unix_now());
  // The tenant can also be named by its onmicrosoft.com domain.
  CHECK(post_token(h, str(t, "slug") + ".onmicrosoft.com", secret_form(t, str(t, "client_secret"))).status == 200);
}

TEST_CASE("token endpoint errors carry Entra's AADSTS codes", "[sim][identity]") {
  sim_harness h;
  auto& t = h.tenant(0);
  std::string dir = str(t, "directory_id");
  auto wrong = post_token(h, dir, secret_form(t, "not-the-secret"));
  CHECK(wrong.status == 401);
  CHECK(str(wrong.body, "error") == "invalid_client");
  CHECK(aadsts(wrong) == 7000215);
  CHECK(str(wrong.body, "error_description").find("not-the-secret") == std::string::npos); // never echoed

  auto scope = post_token(h, dir, secret_form(t, str(t, "client_secret"), "https://graph.microsoft.com/Mail.Read"));
  CHECK(scope.status == 400);
  CHECK(aadsts(scope) == 70011);

  json::object other = t;
  other["client_id"] = "11111111-2222-3333-4444-555555555555";
  auto app = post_token(h, dir, secret_form(other, "x"));
  CHECK(app.status == 400);
  CHECK(str(app.body, "error") == "unauthorized_client");
  CHECK(aadsts(app) == 700016);

  auto tenant = post_token(h, "00000000-0000-0000-0000-000000000000", secret_form(t, "x"));
  CHECK(tenant.status == 400);
  CHECK(aadsts(tenant) == 90002);

  // The app of tenant 1 is not registered in tenant 0.
  auto cross = post_token(h, dir, secret_form(h.tenant(1), str(h.tenant(1), "client_secret")));
  CHECK(aadsts(cross) == 700016);

  REQUIRE(h.control("PUT", "/_sim/faults", R"({"expired_secret_tenants":["contoso"],"revoked_secret_tenants":["fabrikam"]})").first == 200);
  auto expired = post_token(h, dir, secret_form(t, str(t, "client_secret")));
  CHECK(expired.status == 401);
  CHECK(aadsts(expired) == 7000222);
  auto& t1 = h.tenant(1);
  auto revoked = post_token(h, str(t1, "directory_id"), secret_form(t1, str(t1, "client_secret")));
  CHECK(aadsts(revoked) == 7000215);
  auto [status, counters] = h.control("GET", "/_sim/counters");
  CHECK(counters.at("tokens").at("errors").at("contoso").at("AADSTS7000222").as_int64() == 1);
}

TEST_CASE("a certificate-signed client assertion (RS256 and PS256) gets a token", "[sim][identity]") {
  auto o = sim_harness::defaults();
  o.tenant_certificates = true;
  sim_harness h(o);
  CHECK(str(h.tenant(1), "certificate_pem").rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
  CHECK(str(h.tenant(1), "private_key_pem").rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  auto& t = h.tenant(1);
  std::string dir = str(t, "directory_id");
  std::string aud = h.srv().url() + "/" + dir + "/oauth2/v2.0/token";
  int64_t exp = m365::sim::unix_now() + 600;
  for (std::string alg : {"RS256", "PS256"}) {
    auto c = post_token(h, dir, assertion_form(t, assertion(t, aud, exp, alg)));
    INFO(alg << " " << json::serialize(c.body));
    CHECK(c.status == 200);
  }
  SECTION("an expired assertion is AADSTS700024") {
    auto c = post_token(h, dir, assertion_form(t, assertion(t, aud, m365::sim::unix_now() - 10, "RS256")));
    CHECK(c.status == 401);
    CHECK(aadsts(c) == 700024);
  }
  SECTION("an assertion for another audience is refused") {
    auto c = post_token(h, dir, assertion_form(t, assertion(t, "https://login.microsoftonline.com/x/oauth2/v2.0/token", exp, "RS256")));
    CHECK(c.status == 401);
    CHECK(aadsts(c) == 700212);
  }
  SECTION("an assertion signed with another key fails signature validation") {
    auto c = post_token(h, dir, assertion_form(t, assertion(t, aud, exp, "RS256", str(h.tenant(0), "private_key_pem"))));
    CHECK(c.status == 401);
    CHECK(aadsts(c) == 700027);
  }
  SECTION("tenant 0's certificate thumbprint does not match tenant 1's app") {
    auto& t0 = h.tenant(0);
    json::object mixed = t;
    mixed["certificate_pem"] = t0.at("certificate_pem");
    mixed["private_key_pem"] = t0.at("private_key_pem");
    auto c = post_token(h, dir, assertion_form(t, assertion(mixed, aud, exp, "RS256")));
    CHECK(aadsts(c) == 700027);
  }
}

TEST_CASE("a token of tenant A on tenant B's mailbox is a counted 401", "[sim][identity]") {
  sim_harness h;
  std::string tok_a = h.token(0);
  std::string mailbox_b = h.user_upn(1, 0);
  auto r = h.http().get(h.graph() + "/users/" + mailbox_b + "/mailFolders/inbox/messages/delta", h.auth(tok_a));
  CHECK(r.status == 401);
  CHECK(json::parse(r.body).at("error").at("code").as_string() == "InvalidAuthenticationToken");
  CHECK(h.state().stats().wrong_tenant_total() == 1);
  auto [status, counters] = h.control("GET", "/_sim/counters");
  CHECK(counters.at("wrong_tenant_tokens").at("total").as_int64() == 1);
  // The right tenant's token works on the same mailbox.
  CHECK(h.http().get(h.graph() + "/users/" + mailbox_b + "/mailFolders/inbox/messages/delta", h.auth(h.token(1))).status == 200);
}

TEST_CASE("expired, missing and forged tokens are 401 InvalidAuthenticationToken", "[sim][identity]") {
  sim_harness h;
  std::string url = h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders";
  auto& tenant = h.state().data().tenants()[0];
  std::string expired = h.state().id_platform().mint(tenant, -5);
  auto r = h.http().get(url, h.auth(expired));
  CHECK(r.status == 401);
  CHECK(r.body.find("expired") != std::string::npos);
  CHECK(!r.header("www-authenticate").empty());
  CHECK(h.http().get(url).status == 401);
  std::string forged = h.token(0);
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'a' ? 'b' : 'a';
  CHECK(h.http().get(url, h.auth(forged)).status == 401);
}

TEST_CASE("a short token lifetime from the fault profile shows in expires_in", "[sim][identity][faults]") {
  auto o = sim_harness::defaults();
  o.faults_json = R"({"token_lifetime_s": 5})";
  sim_harness h(o);
  auto& t = h.tenant(0);
  auto c = post_token(h, str(t, "directory_id"), secret_form(t, str(t, "client_secret")));
  REQUIRE(c.status == 200);
  CHECK(c.body.at("expires_in").as_int64() == 5);
}

TEST_CASE("GET /users lists only the token's tenant; GET /users/{id} reads one user", "[sim][identity][users]") {
  sim_harness h;
  std::string tok = h.token(1);
  auto r = h.http().get(h.graph() + "/users", h.auth(tok));
  REQUIRE(r.status == 200);
  auto users = json::parse(r.body).at("value").as_array();
  REQUIRE(users.size() == 3);
  for (auto& u : users)
    CHECK(std::string(u.at("userPrincipalName").as_string()).find("@fabrikam.com") != std::string::npos);
  std::string id(users.at(0).at("id").as_string());
  auto one = h.http().get(h.graph() + "/users/" + id, h.auth(tok));
  REQUIRE(one.status == 200);
  CHECK(json::parse(one.body).at("id").as_string() == id);
  CHECK(h.http().get(h.graph() + "/me/messages", h.auth(tok)).status == 400); // app tokens have no /me
}

TEST_CASE("revoked tokens answer 401 once the tenant's next N requests were served; tokens issued "
          "later work",
          "[sim][identity][revoke]") {
  sim_harness h;
  const std::string slug = str(h.tenant(0), "slug");
  const std::string url = h.graph() + "/users/" + h.user_upn(0, 0);
  const std::string other_url = h.graph() + "/users/" + h.user_upn(1, 0);
  std::string old_token = h.token(0);
  std::string other_tenant = h.token(1);
  REQUIRE(h.http().get(url, h.auth(old_token)).status == 200);
  REQUIRE(h.control("POST", "/_sim/tenants/" + slug + "/revoke_tokens", R"({"after_requests": 2})").first == 200);
  CHECK(h.http().get(url, h.auth(old_token)).status == 200);
  CHECK(h.http().get(other_url, h.auth(other_tenant)).status == 200);  // not counted: another tenant
  CHECK(h.http().get(url, h.auth(old_token)).status == 200);
  auto refused = h.http().get(url, h.auth(old_token));
  CHECK(refused.status == 401);
  CHECK(refused.body.find("InvalidAuthenticationToken") != std::string::npos);
  CHECK(h.http().get(other_url, h.auth(other_tenant)).status == 200);  // other tenants keep theirs
  std::string new_token = h.token(0);
  CHECK(h.http().get(url, h.auth(new_token)).status == 200);
  // Without a body the revocation is at once.
  REQUIRE(h.control("POST", "/_sim/tenants/" + slug + "/revoke_tokens").first == 200);
  CHECK(h.http().get(url, h.auth(new_token)).status == 401);
  CHECK(h.http().get(url, h.auth(h.token(0))).status == 200);
  CHECK(h.control("POST", "/_sim/tenants/nope/revoke_tokens").first == 404);
  CHECK(h.control("POST", "/_sim/tenants/" + slug + "/revoke_tokens", R"({"after_requests": -1})").first == 400);
  CHECK(h.state().stats().tokens_issued(slug) == 3);
}
