// Ownership: pure functions over OpenSSL, thread-safe. A throwaway RSA key and self-signed
// certificate per tenant (the app's registered credential for JWT client assertions), and the
// TLS certificate of an in-process https server.
#pragma once

#include <string>

#include "messages/expected.hpp"

namespace m365::sim {

struct certificate_pair {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string sha256;  ///< raw SHA-256 of the certificate DER (x5t#S256 before base64url)
  std::string sha1;    ///< raw SHA-1 of the DER (legacy x5t)
};

/// RSA-2048 key and a self-signed certificate for `common_name` (valid one year; SAN
/// IP:127.0.0.1 and DNS:localhost so it also serves as a loopback TLS certificate).
m365::expected<certificate_pair> make_self_signed(const std::string& common_name);

} // namespace m365::sim
