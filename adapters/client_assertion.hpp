// Ownership: immutable after load; safe to use from several threads (each make() builds its own
// EVP contexts). Holds a private key: never log it or anything derived from make().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

struct evp_pkey_st;

namespace m365 {

/// JWS algorithm of the assertion. PS256 (RSASSA-PSS, SHA-256, salt = 32) is the default;
/// RS256 (PKCS#1 v1.5) for older setups.
enum class assertion_alg : uint8_t { ps256 = 0, rs256 };

/// Builds the signed JWT client assertion of the certificate credential flow:
/// header {alg, typ: "JWT", x5t#S256: base64url(SHA-256(DER certificate))};
/// claims {aud: token endpoint URL, iss = sub = client id, jti: 128 random bits (hex),
/// nbf = iat = now, exp = now + 10 min}.
class client_assertion {
public:
  /// Loads a PEM certificate and its PEM RSA private key (PKCS#8 or PKCS#1, unencrypted) and
  /// checks that they belong together. Errors never contain key material.
  static expected<client_assertion> load(std::string_view certificate_pem,
                                         std::string_view private_key_pem,
                                         assertion_alg alg = assertion_alg::ps256);

  /// A fresh assertion for `client_id` at `token_endpoint` (the full token URL), issued at
  /// `now_s` (Unix seconds). Secret: send it only to the tenant's authority host.
  expected<std::string> make(std::string_view client_id, std::string_view token_endpoint,
                             int64_t now_s) const;

  /// base64url SHA-256 thumbprint of the certificate (public).
  const std::string& x5t_s256() const noexcept { return x5t_s256_; }
  assertion_alg alg() const noexcept { return alg_; }

  /// Lifetime of an assertion.
  static constexpr int64_t lifetime_s = 600;

private:
  struct key_deleter {
    void operator()(evp_pkey_st* key) const noexcept;
  };
  std::shared_ptr<evp_pkey_st> key_;
  std::string x5t_s256_;
  assertion_alg alg_ = assertion_alg::ps256;
};

} // namespace m365
