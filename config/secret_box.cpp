// AES-256-GCM through the OpenSSL 3 EVP interface.
#include "config/secret_box.hpp"

#include <memory>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace m365 {

namespace {

struct cipher_ctx_free {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

/// Version byte followed by the tenant id: both are authenticated, neither is secret.
std::string associated_data(const tenant_id& tenant) {
  std::string aad(1, static_cast<char>(secret_box::version));
  aad += tenant;
  return aad;
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

} // namespace

expected<std::string> secret_box::seal(const tenant_id& tenant,
                                       const std::string& plaintext) const {
  std::string blob(overhead + plaintext.size(), '\0');
  blob[0] = static_cast<char>(version);
  auto* nonce = bytes(blob) + 1;
  auto* ciphertext = nonce + nonce_size;
  auto* tag = ciphertext + plaintext.size();
  if (RAND_bytes(nonce, static_cast<int>(nonce_size)) != 1) {
    return status::internal("the OpenSSL random generator failed");
  }
  cipher_ctx ctx{EVP_CIPHER_CTX_new()};
  auto aad = associated_data(tenant);
  int len = 0;
  bool ok = ctx
            && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
            && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                                   static_cast<int>(nonce_size), nullptr) == 1
            && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce) == 1
            && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad),
                                 static_cast<int>(aad.size())) == 1
            && EVP_EncryptUpdate(ctx.get(), ciphertext, &len, bytes(plaintext),
                                 static_cast<int>(plaintext.size())) == 1
            && EVP_EncryptFinal_ex(ctx.get(), ciphertext + len, &len) == 1
            && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size),
                                   tag) == 1;
  ERR_clear_error();
  if (!ok) {
    OPENSSL_cleanse(blob.data(), blob.size());
    return status::internal("AES-256-GCM encryption failed");
  }
  return blob;
}

expected<std::string> secret_box::open(const tenant_id& tenant, const std::string& blob) const {
  if (blob.size() < overhead) return status::corrupted("sealed blob is too short");
  if (static_cast<uint8_t>(blob[0]) != version) {
    return status::version_mismatch("sealed blob has version "
                                    + std::to_string(static_cast<uint8_t>(blob[0]))
                                    + ", this build reads version "
                                    + std::to_string(version));
  }
  const auto* nonce = bytes(blob) + 1;
  const auto* ciphertext = nonce + nonce_size;
  size_t ciphertext_size = blob.size() - overhead;
  const auto* tag = ciphertext + ciphertext_size;
  std::string plaintext(ciphertext_size, '\0');
  cipher_ctx ctx{EVP_CIPHER_CTX_new()};
  auto aad = associated_data(tenant);
  int len = 0;
  bool ok = ctx
            && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
            && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                                   static_cast<int>(nonce_size), nullptr) == 1
            && EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce) == 1
            && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad),
                                 static_cast<int>(aad.size())) == 1
            && EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &len, ciphertext,
                                 static_cast<int>(ciphertext_size)) == 1
            // OpenSSL takes a non-const pointer for SET_TAG but only reads it.
            && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size),
                                   const_cast<unsigned char*>(tag)) == 1;
  int final_len = 0;
  // The tag is checked here; before it succeeds the plaintext is not authentic.
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + len, &final_len) == 1;
  ERR_clear_error();
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return status::permission_denied("sealed blob does not open for tenant '" + tenant
                                     + "' (wrong tenant, wrong master key, or altered data)");
  }
  return plaintext;
}

} // namespace m365
