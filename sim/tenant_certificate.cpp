#include "sim/tenant_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace m365::sim {

namespace {

struct bio_free { void operator()(BIO* b) const { BIO_free(b); } };
struct key_free { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct x509_free { void operator()(X509* x) const { X509_free(x); } };

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

} // namespace

m365::expected<certificate_pair> make_self_signed(const std::string& cn) {
  std::unique_ptr<EVP_PKEY, key_free> key(EVP_RSA_gen(2048));
  if (!key)
    return m365::status::internal("RSA key generation failed");
  std::unique_ptr<X509, x509_free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")) {
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (!X509_sign(cert.get(), key.get(), EVP_sha256()))
    return m365::status::internal("certificate signing failed");
  certificate_pair out;
  std::unique_ptr<BIO, bio_free> cb(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cb.get(), cert.get());
  out.certificate_pem = bio_text(cb.get());
  std::unique_ptr<BIO, bio_free> kb(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.private_key_pem = bio_text(kb.get());
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0)
    return m365::status::internal("certificate encoding failed");
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(len), md);
  out.sha256.assign(reinterpret_cast<char*>(md), sizeof md);
  unsigned char md1[SHA_DIGEST_LENGTH];
  SHA1(der, static_cast<size_t>(len), md1);
  out.sha1.assign(reinterpret_cast<char*>(md1), sizeof md1);
  OPENSSL_free(der);
  return out;
}

} // namespace m365::sim
