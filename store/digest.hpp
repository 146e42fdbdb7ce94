// Ownership: a digest object is used by one thread at a time; the free function is stateless.
// SHA-256 (OpenSSL EVP) for content-derived key parts: long dedupe ids and sync-log keys. A
// cryptographic hash because a collision would merge two different emails into one record.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace m365 {

/// SHA-256 of `bytes`.
std::array<uint8_t, 32> sha256(std::string_view bytes);

/// SHA-256 over a sequence of parts whose `finish()` yields the first 8 bytes as a number.
/// Every `add` is length-prefixed, so ("ab","c") and ("a","bc") differ. Parts are gathered and
/// hashed in one call at the end: many small updates cost more than the hashing itself.
class digest64 {
public:
  void add(std::string_view part);
  void add(uint64_t number);
  uint64_t finish() const;

private:
  std::string parts_;
};

} // namespace m365
