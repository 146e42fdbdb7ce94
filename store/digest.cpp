// SHA-256 through OpenSSL's EVP interface (the one-shot SHA256() is deprecated in OpenSSL 3).
#include "store/digest.hpp"

#include <openssl/evp.h>

namespace m365 {

std::array<uint8_t, 32> sha256(std::string_view bytes) {
  std::array<uint8_t, 32> out{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

struct digest64::state {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~state() { EVP_MD_CTX_free(ctx); }
};

digest64::digest64() : state_(std::make_unique<state>()) {
  EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
}

digest64::~digest64() = default;

void digest64::add(uint64_t number) {
  unsigned char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<unsigned char>((number >> (8 * i)) & 0xff);
  EVP_DigestUpdate(state_->ctx, buf, sizeof(buf));
}

void digest64::add(std::string_view part) {
  add(static_cast<uint64_t>(part.size()));
  EVP_DigestUpdate(state_->ctx, part.data(), part.size());
}

uint64_t digest64::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(state_->ctx, out, &size);
  uint64_t result = 0;
  for (int i = 0; i < 8; ++i) result = (result << 8) | out[i];
  return result;
}

} // namespace m365
