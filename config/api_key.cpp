// API key generation and hashing (OpenSSL RAND and SHA-256).
#include "config/api_key.hpp"

#include <algorithm>
#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "config/small_file.hpp"

namespace m365 {

namespace {

constexpr char token_prefix[] = "m365_";

std::string base64url(const unsigned char* data, size_t n) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

bool is_hash_text(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

} // namespace

expected<api_key> generate_api_key() {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return status::internal("the OpenSSL random generator failed");
  }
  api_key key;
  key.token = token_prefix + base64url(random.data(), random.size());
  OPENSSL_cleanse(random.data(), random.size());
  key.sha256_hex = api_key_hash(key.token);
  return key;
}

std::string api_key_hash(const std::string& token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 0x0f];
  }
  return out;
}

bool api_key_matches(const std::string& token, const std::string& stored_hex) {
  std::string computed = api_key_hash(token);
  if (computed.size() != stored_hex.size()) return false;
  return CRYPTO_memcmp(computed.data(), stored_hex.data(), computed.size()) == 0;
}

status write_api_key_hash(const std::string& path, const api_key& key) {
  return create_private_file(path, key.sha256_hex + "\n", 0600);
}

expected<std::string> read_api_key_hash(const std::string& path) {
  auto text = read_small_file(path, 256);
  if (!text) return text.error();
  std::string hash = *text;
  while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
  if (!is_hash_text(hash)) {
    return status::corrupted("'" + path + "' must hold the 64 lower-case hex digits of a "
                             "SHA-256 (create it with 'm365sync admin-key')");
  }
  return hash;
}

} // namespace m365
