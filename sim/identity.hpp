// Ownership: one per server, shared by all threads (reads only, tenants are fixed at start;
// the token serial is an atomic counter).
// The Microsoft identity platform stand-in: `POST /{tenant}/oauth2/v2.0/token` with the client
// credentials grant (client_secret or a JWT client_assertion signed RS256/PS256 with the
// tenant's registered certificate), and validation of the access tokens it issued. Tokens are
// JWTs (HS256, sim key) carrying `tid`, `appid` and `exp`. AADSTS error bodies as Entra sends.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/dataset.hpp"
#include "sim/fault_profile.hpp"

namespace m365::sim {

/// An HTTP answer of the token endpoint.
struct token_response {
  unsigned status = 200;
  std::string body;
  std::string tenant_slug; ///< for counters; empty when the tenant is unknown
  std::string error_code;  ///< "AADSTS7000215" etc.; empty on success
};

/// Claims of a validated access token.
struct access_claims {
  std::string tid;   ///< directory id
  std::string appid; ///< client id
  int64_t exp = 0;
  uint64_t serial = 0; ///< the token's place in minting order (its `uti`), for revocation
};

enum class token_check { ok, missing, malformed, bad_signature, expired };

class identity {
public:
  identity(const dataset& data, uint64_t seed);

  /// Handles the token endpoint. `tenant` is the path segment, `form` the urlencoded body,
  /// `token_url` the absolute URL the request was sent to (the assertion's expected `aud`).
  token_response issue(std::string_view tenant, std::string_view form, const std::string& token_url,
                       const fault_profile& faults, int64_t default_lifetime_s) const;

  /// Validates a bearer token; fills `claims` when ok.
  token_check validate(std::string_view authorization_header, access_claims& claims) const;

  /// Mints a token directly (tests and benches that skip the token endpoint).
  std::string mint(const tenant_info& tenant, int64_t lifetime_s) const;

  /// The serial the next minted token gets (serials grow by one per token).
  uint64_t next_serial() const noexcept { return minted_.load(); }

private:
  std::string sign(std::string_view data) const;
  std::optional<std::string> check_assertion(const tenant_info& t, std::string_view assertion,
                                             const std::string& token_url, std::string& aadsts) const;

  const dataset& data_;
  std::string key_;
  mutable std::atomic<uint64_t> minted_{0};
};

} // namespace m365::sim
