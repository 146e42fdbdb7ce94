// Ownership: a digest object is used by one thread at a time; the free function is stateless.
// SHA-256 (OpenSSL EVP) for content-derived key parts: long dedupe ids and sync-log keys. A
// cryptographic hash because a collision would merge two different emails into one record.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

namespace m365 {

/// SHA-256 of `bytes`.
std::array<uint8_t, 32> sha256(std::string_view bytes);

/// Incremental SHA-256 whose `finish()` yields the first 8 bytes as a number. Every `add`
/// is length-prefixed, so ("ab","c") and ("a","bc") differ.
class digest64 {
public:
  digest64();
  ~digest64();
  digest64(const digest64&) = delete;
  digest64& operator=(const digest64&) = delete;

  void add(std::string_view part);
  void add(uint64_t number);
  uint64_t finish();

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace m365
