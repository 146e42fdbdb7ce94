// The certificate credential's JWT: verified with the public key by OpenSSL, thumbprint and
// claims checked independently of the code under test.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "adapters/base64url.hpp"
#include "adapters/client_assertion.hpp"
#include "test_certificate.hpp"

using namespace m365;

namespace {

struct jwt_parts {
  std::string header_b64, claims_b64, sig_b64;
  boost::json::object header, claims;
  std::string signature;
};

jwt_parts split(const std::string& jwt) {
  jwt_parts p;
  auto a = jwt.find('.'), b = jwt.find('.', a + 1);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  REQUIRE(jwt.find('.', b + 1) == std::string::npos);
  p.header_b64 = jwt.substr(0, a);
  p.claims_b64 = jwt.substr(a + 1, b - a - 1);
  p.sig_b64 = jwt.substr(b + 1);
  std::string h, c;
  REQUIRE(base64url_decode(p.header_b64, h));
  REQUIRE(base64url_decode(p.claims_b64, c));
  REQUIRE(base64url_decode(p.sig_b64, p.signature));
  p.header = boost::json::parse(h).as_object();
  p.claims = boost::json::parse(c).as_object();
  return p;
}

bool verify(const std::string& public_pem, const jwt_parts& p, bool pss) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* pub = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), nullptr, pub);
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
  }
  const std::string input = p.header_b64 + "." + p.claims_b64;
  const int rc = EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(p.signature.data()),
                                  p.signature.size(),
                                  reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pub);
  return rc == 1;
}

std::string expected_thumbprint(const std::string& cert_pem) {
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  X509_free(cert);
  return base64url_encode(std::string(reinterpret_cast<char*>(md), n));
}

const std::string endpoint = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";

} // namespace

TEST_CASE("a PS256 client assertion verifies with the certificate's public key",
          "[adapters][assertion]") {
  auto cert = m365::test::make_test_certificate();
  auto assertion = client_assertion::load(cert.cert_pem, cert.key_pem);
  REQUIRE(assertion.has_value());
  auto jwt = assertion->make("11111111-2222-3333-4444-555555555555", endpoint, 1700000000);
  REQUIRE(jwt.has_value());
  auto p = split(*jwt);
  CHECK(p.header.at("alg").as_string() == "PS256");
  CHECK(p.header.at("typ").as_string() == "JWT");
  CHECK(p.header.at("x5t#S256").as_string() == expected_thumbprint(cert.cert_pem));
  CHECK(p.claims.at("aud").as_string() == endpoint);
  CHECK(p.claims.at("iss").as_string() == "11111111-2222-3333-4444-555555555555");
  CHECK(p.claims.at("sub").as_string() == "11111111-2222-3333-4444-555555555555");
  CHECK(p.claims.at("nbf").as_int64() == 1700000000);
  CHECK(p.claims.at("iat").as_int64() == 1700000000);
  CHECK(p.claims.at("exp").as_int64() == 1700000600);
  CHECK(p.claims.at("jti").as_string().size() == 32);
  CHECK(verify(cert.public_key_pem, p, true));
  CHECK_FALSE(verify(cert.public_key_pem, p, false));  // it is PSS, not PKCS#1 v1.5

  // A changed claim breaks the signature; each assertion has its own jti.
  auto other = split(*assertion->make("11111111-2222-3333-4444-555555555555", endpoint, 1700000000));
  CHECK(other.claims.at("jti") != p.claims.at("jti"));
  jwt_parts tampered = p;
  tampered.claims_b64 = other.claims_b64;
  CHECK_FALSE(verify(cert.public_key_pem, tampered, true));
}

TEST_CASE("an RS256 client assertion verifies with PKCS#1 v1.5", "[adapters][assertion]") {
  auto cert = m365::test::make_test_certificate();
  auto assertion = client_assertion::load(cert.cert_pem, cert.key_pem, assertion_alg::rs256);
  REQUIRE(assertion.has_value());
  auto p = split(*assertion->make("app", endpoint, 1));
  CHECK(p.header.at("alg").as_string() == "RS256");
  CHECK(verify(cert.public_key_pem, p, false));
}

TEST_CASE("a key that does not match the certificate is refused without echoing it",
          "[adapters][assertion]") {
  auto a = m365::test::make_test_certificate("a"), b = m365::test::make_test_certificate("b");
  auto mismatch = client_assertion::load(a.cert_pem, b.key_pem);
  REQUIRE_FALSE(mismatch.has_value());
  CHECK(mismatch.error().message() == "private key does not match the certificate");
  auto garbage = client_assertion::load(a.cert_pem, "-----BEGIN PRIVATE KEY-----\nsecretstuff\n");
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().message().find("secretstuff") == std::string::npos);
  CHECK_FALSE(client_assertion::load("not a cert", a.key_pem).has_value());
}
