// Ownership: see header.
#include "adapters/client_assertion.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/object.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "adapters/base64url.hpp"

namespace m365 {

void client_assertion::key_deleter::operator()(evp_pkey_st* key) const noexcept {
  EVP_PKEY_free(key);
}

expected<client_assertion> client_assertion::load(std::string_view certificate_pem,
                                                  std::string_view private_key_pem,
                                                  assertion_alg alg) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
    BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
    cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
  if (!cert)
    return status::invalid_argument("certificate: not a PEM X.509 certificate");
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
    BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  // An empty passphrase callback: encrypted keys fail instead of prompting on a terminal.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* raw_key = key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr)
                              : nullptr;
  if (!raw_key)
    return status::invalid_argument("private key: not an unencrypted PEM private key");
  client_assertion out;
  out.key_.reset(raw_key, key_deleter{});
  if (EVP_PKEY_get_base_id(raw_key) != EVP_PKEY_RSA)
    return status::invalid_argument("private key: an RSA key is required for PS256/RS256");
  if (X509_check_private_key(cert.get(), raw_key) != 1)
    return status::invalid_argument("private key does not match the certificate");
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0)
    return status::internal("certificate: DER encoding failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  const int ok = EVP_Digest(der, static_cast<size_t>(der_len), digest, &digest_len, EVP_sha256(),
                            nullptr);
  OPENSSL_free(der);
  if (ok != 1)
    return status::internal("certificate: SHA-256 failed");
  out.x5t_s256_ = base64url_encode(std::string_view(reinterpret_cast<char*>(digest), digest_len));
  out.alg_ = alg;
  return out;
}

expected<std::string> client_assertion::make(std::string_view client_id,
                                             std::string_view token_endpoint,
                                             int64_t now_s) const {
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof nonce) != 1)
    return status::internal("client assertion: no random bytes for jti");
  static constexpr char hex[] = "0123456789abcdef";
  std::string jti;
  for (unsigned char b : nonce) {
    jti += hex[b >> 4];
    jti += hex[b & 15];
  }
  boost::json::object header{{"alg", alg_ == assertion_alg::ps256 ? "PS256" : "RS256"},
                             {"typ", "JWT"},
                             {"x5t#S256", x5t_s256_}};
  boost::json::object claims{{"aud", token_endpoint}, {"iss", client_id}, {"sub", client_id},
                             {"jti", jti},            {"nbf", now_s},     {"iat", now_s},
                             {"exp", now_s + lifetime_s}};
  std::string signing_input = base64url_encode(boost::json::serialize(header)) + "."
                              + base64url_encode(boost::json::serialize(claims));

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestSignInit(md.get(), &pctx, EVP_sha256(), nullptr, key_.get()) != 1)
    return status::internal("client assertion: signing init failed");
  if (alg_ == assertion_alg::ps256
      && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
          || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
    return status::internal("client assertion: PSS setup failed");
  size_t sig_len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (EVP_DigestSign(md.get(), nullptr, &sig_len, in, signing_input.size()) != 1)
    return status::internal("client assertion: signing failed");
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len, in,
                     signing_input.size()) != 1)
    return status::internal("client assertion: signing failed");
  sig.resize(sig_len);
  return signing_input + "." + base64url_encode(sig);
}

} // namespace m365
