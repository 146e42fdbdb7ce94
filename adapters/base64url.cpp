// Ownership: see header.
#include "adapters/base64url.hpp"

#include <openssl/evp.h>

namespace m365 {

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  std::string std_b64(text);
  for (char& c : std_b64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/') return false;
  }
  while (std_b64.size() % 4 != 0)
    std_b64.push_back('=');
  out.assign(std_b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(std_b64.data()),
                                static_cast<int>(std_b64.size()));
  if (n < 0)
    return false;
  size_t pad = 0;
  for (auto it = std_b64.rbegin(); it != std_b64.rend() && *it == '='; ++it)
    ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

} // namespace m365
