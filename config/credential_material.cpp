// The sealed plaintext form of a credential, and the certificate/key sanity check.
#include "config/credential_material.hpp"

#include <memory>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace m365 {

namespace {

constexpr int64_t encoding_version = 1;

struct bio_free {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct x509_free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct pkey_free {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, bio_free> memory_bio(const std::string& pem) {
  return std::unique_ptr<BIO, bio_free>{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
}

bool read_field(const boost::json::object& o, const char* key, std::string& out) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return true;
  if (!v->is_string()) return false;
  out.assign(v->get_string().data(), v->get_string().size());
  return true;
}

} // namespace

credential_kind credential_material::kind() const noexcept {
  if (!client_secret.empty()) return credential_kind::client_secret;
  if (!certificate_pem.empty() || !private_key_pem.empty()) return credential_kind::certificate;
  return credential_kind::none;
}

std::string encode_credential(const credential_material& material) {
  boost::json::object o;
  o["v"] = encoding_version;
  o["client_id"] = material.client_id;
  if (!material.client_secret.empty()) o["client_secret"] = material.client_secret;
  if (!material.certificate_pem.empty()) o["certificate"] = material.certificate_pem;
  if (!material.private_key_pem.empty()) o["private_key"] = material.private_key_pem;
  return boost::json::serialize(o);
}

expected<credential_material> decode_credential(const std::string& plaintext) {
  boost::json::error_code ec;
  auto v = boost::json::parse(plaintext, ec);
  if (ec || !v.is_object()) return status::corrupted("sealed credential is not a JSON object");
  const auto& o = v.get_object();
  auto* version = o.if_contains("v");
  if (version == nullptr || !version->is_int64() || version->get_int64() != encoding_version) {
    return status::version_mismatch("sealed credential has an unknown encoding version");
  }
  credential_material out;
  if (!read_field(o, "client_id", out.client_id) || !read_field(o, "client_secret", out.client_secret)
      || !read_field(o, "certificate", out.certificate_pem)
      || !read_field(o, "private_key", out.private_key_pem)) {
    return status::corrupted("sealed credential has a field of the wrong type");
  }
  return out;
}

status check_certificate_pair(const credential_material& material) {
  if (material.kind() != credential_kind::certificate) return status::ok();
  auto cert_bio = memory_bio(material.certificate_pem);
  std::unique_ptr<X509, x509_free> cert{
    PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)};
  // Drop OpenSSL's queued errors: their text could describe the input.
  ERR_clear_error();
  if (!cert) return status::invalid_argument("certificate_file does not hold a PEM certificate");
  auto key_bio = memory_bio(material.private_key_pem);
  // A callback that supplies no passphrase: without it OpenSSL would prompt on the terminal
  // for an encrypted key.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  std::unique_ptr<EVP_PKEY, pkey_free> key{
    PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr)};
  ERR_clear_error();
  if (!key) {
    return status::invalid_argument("private_key_file does not hold an unencrypted PEM private "
                                    "key");
  }
  int matches = X509_check_private_key(cert.get(), key.get());
  ERR_clear_error();
  if (matches != 1) {
    return status::invalid_argument("private_key_file does not belong to the certificate in "
                                    "certificate_file");
  }
  return status::ok();
}

} // namespace m365
