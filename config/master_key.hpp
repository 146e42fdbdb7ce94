// Ownership: a master_key owns its 32 bytes and wipes them on destruction; it is immutable after
// load, so a const instance may be shared across threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "messages/expected.hpp"

namespace m365 {

/// The AES-256 key that seals tenant credentials at rest. Kept outside the store (design.md
/// section 6) in `master_key_file`.
///
/// File format: 64 hexadecimal digits (the 32 key bytes), optionally followed by one newline.
/// Hex rather than raw bytes so that an operator can copy it into a secret manager safely.
class master_key {
public:
  static constexpr size_t size = 32;

  explicit master_key(const std::array<uint8_t, size>& bytes) noexcept : bytes_(bytes) {}
  ~master_key();
  master_key(const master_key&) = default;
  master_key& operator=(const master_key&) = default;

  const uint8_t* data() const noexcept { return bytes_.data(); }

  /// A fresh key from the OpenSSL CSPRNG.
  static expected<master_key> generate();

private:
  std::array<uint8_t, size> bytes_;
};

/// Loads the master key from `path`, creating it (32 random bytes, mode 0600, missing parent
/// directories 0700) when it does not exist. Refuses a file that group or others may access
/// (permission_denied, with the chmod that fixes it), one that is not a regular file, and one
/// that is not 64 hex digits (corrupted). Errors never contain key material.
expected<master_key> load_or_create_master_key(const std::string& path);

} // namespace m365
