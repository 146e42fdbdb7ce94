// Ownership: a secret_box holds a copy of the master key; seal/open keep no state between calls,
// so a const secret_box may be used from several threads at once.
#pragma once

#include <cstdint>
#include <string>

#include "config/master_key.hpp"
#include "messages/expected.hpp"
#include "messages/ids.hpp"

namespace m365 {

/// AES-256-GCM sealing of credential material, bound to its tenant: the tenant id is the
/// associated data, so a blob copied to another tenant's record does not open.
///
/// Blob layout (binary): version (1 byte, = 1) | nonce (12 random bytes) | ciphertext | tag (16).
/// The version byte is authenticated too (it is part of the associated data).
class secret_box {
public:
  static constexpr uint8_t version = 1;
  static constexpr size_t nonce_size = 12;
  static constexpr size_t tag_size = 16;
  static constexpr size_t overhead = 1 + nonce_size + tag_size;

  explicit secret_box(master_key key) : key_(std::move(key)) {}

  /// Encrypts `plaintext` for `tenant` with a fresh random nonce (two seals of the same input
  /// differ).
  expected<std::string> seal(const tenant_id& tenant, const std::string& plaintext) const;

  /// Decrypts a blob made by seal() for the same tenant under the same master key. A wrong
  /// tenant, another key, a truncated or altered blob all fail with permission_denied or
  /// corrupted; nothing of the plaintext is returned then.
  expected<std::string> open(const tenant_id& tenant, const std::string& blob) const;

private:
  master_key key_;
};

} // namespace m365
