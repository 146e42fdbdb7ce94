// Certificate credentials: the config refuses a key that does not belong to its certificate, so
// the mistake shows at load time rather than as a token error at the first sync.
#include <catch2/catch.hpp>

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "config/config_loader.hpp"
#include "config/credential_material.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

namespace {

struct pem_pair {
  std::string certificate;
  std::string private_key;
};

std::string drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out{data, static_cast<size_t>(n)};
  BIO_free(bio);
  return out;
}

/// A throwaway EC key with a self-signed certificate.
pem_pair make_pair() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  REQUIRE(key != nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("m365sync-test"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, cert);
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  X509_free(cert);
  EVP_PKEY_free(key);
  return {drain(cert_bio), drain(key_bio)};
}

} // namespace

TEST_CASE("a certificate credential needs the private key of that certificate",
          "[config][credential]") {
  auto first = make_pair();
  auto second = make_pair();
  credential_material good{"client", "", first.certificate, first.private_key};
  CHECK(good.kind() == credential_kind::certificate);
  CHECK(check_certificate_pair(good));
  credential_material mismatched{"client", "", first.certificate, second.private_key};
  auto st = check_certificate_pair(mismatched);
  CHECK(st.message() == "private_key_file does not belong to the certificate in certificate_file");
  credential_material swapped{"client", "", first.private_key, first.certificate};
  CHECK(check_certificate_pair(swapped).message()
        == "certificate_file does not hold a PEM certificate");
}

TEST_CASE("certificate files named in the config are loaded and checked",
          "[config][credential]") {
  temp_directory dir;
  auto first = make_pair();
  auto second = make_pair();
  dir.write("cert.pem", first.certificate);
  dir.write("key.pem", first.private_key);
  dir.write("other-key.pem", second.private_key);
  auto tenant = [](const std::string& key_file) {
    return R"({"data_dir": "/d", "tenants": [{"id": "contoso", "directory_id": "d",
      "credential": {"client_id": "c", "certificate_file": "cert.pem", "private_key_file": ")"
           + key_file + R"("}}]})";
  };
  auto cfg = parse_config(tenant("key.pem"), dir.path(), "t");
  REQUIRE(cfg.has_value());
  CHECK(cfg->tenants[0].settings.credential == credential_kind::certificate);
  CHECK(cfg->tenants[0].credential.certificate_pem == first.certificate);
  CHECK(cfg->tenants[0].credential.private_key_pem == first.private_key);
  auto bad = parse_config(tenant("other-key.pem"), dir.path(), "t");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message().find("tenants[0].credential: private_key_file does not belong to "
                                   "the certificate in certificate_file")
        != std::string::npos);
  CHECK(bad.error().message().find("PRIVATE KEY") == std::string::npos);
}

TEST_CASE("the sealed plaintext of a credential round-trips and rejects garbage",
          "[config][credential]") {
  credential_material m{"client", "", "CERT", "KEY"};
  auto decoded = decode_credential(encode_credential(m));
  REQUIRE(decoded.has_value());
  CHECK(*decoded == m);
  CHECK(decode_credential("not json").error().code() == status_code::corrupted);
  CHECK(decode_credential(R"({"v":2,"client_id":"c"})").error().code()
        == status_code::version_mismatch);
  CHECK(decode_credential(R"({"v":1,"client_id":5})").error().code() == status_code::corrupted);
}
