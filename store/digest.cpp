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
