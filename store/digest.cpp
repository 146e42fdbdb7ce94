// SHA-256 through OpenSSL's EVP interface (the one-shot SHA256() is deprecated in OpenSSL 3).
// The fetched implementation is shared by every thread (EVP_MD objects are immutable) and
// never freed.
#include "store/digest.hpp"

#include <openssl/evp.h>

namespace m365 {

namespace {

/// SHA-256 fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up again (under a
/// lock) on every digest, which costs more than hashing a message id.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

} // namespace

std::array<uint8_t, 32> sha256(std::string_view bytes) {
  std::array<uint8_t, 32> out{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, sha256_md(), nullptr);
  return out;
}

void digest64::add(uint64_t number) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((number >> (8 * i)) & 0xff);
  parts_.append(buf, sizeof(buf));
}

void digest64::add(std::string_view part) {
  add(static_cast<uint64_t>(part.size()));
  parts_.append(part.data(), part.size());
}

uint64_t digest64::finish() const {
  auto digest = sha256(parts_);
  uint64_t result = 0;
  for (int i = 0; i < 8; ++i) result = (result << 8) | digest[i];
  return result;
}

} // namespace m365
