// Ownership: free functions and a plain value; safe from any thread.
// API keys: random bearer tokens of which only the SHA-256 is ever stored.
#pragma once

#include <string>

#include "messages/expected.hpp"

namespace m365 {

/// A freshly generated key. `token` is shown to the operator once and then forgotten; only
/// `sha256_hex` is stored (admin_key_file, the store's api-keys database).
struct api_key {
  std::string token;       ///< "m365_" + 43 base64url characters (256 random bits)
  std::string sha256_hex;  ///< 64 lower-case hex digits of SHA-256(token)
};

expected<api_key> generate_api_key();

/// Lower-case hex SHA-256 of `token`.
std::string api_key_hash(const std::string& token);

/// True when SHA-256(token) equals `stored_hex`; compares in constant time.
bool api_key_matches(const std::string& token, const std::string& stored_hex);

/// Creates `path` (mode 0600, fails when it exists) holding the key's hash and a newline.
status write_api_key_hash(const std::string& path, const api_key& key);

/// The hash stored in `path`: 64 hex digits, validated (corrupted otherwise).
expected<std::string> read_api_key_hash(const std::string& path);

} // namespace m365
