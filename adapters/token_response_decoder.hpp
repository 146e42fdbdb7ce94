// Ownership: free function, thread-safe (a parser per call: one token per tenant per hour).
// The identity platform's token endpoint answer, success or error, without interpretation
// (token_client maps errors to token_errc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/padded_body.hpp"
#include "messages/expected.hpp"

namespace m365 {

/// Either a token (`access_token` non-empty) or an error (`error` non-empty).
struct token_endpoint_reply {
  std::string access_token;  ///< secret: never log it
  std::string token_type;
  int64_t expires_in_s = 0;
  std::string error;              ///< "invalid_client", "invalid_scope", ...
  std::string error_description;  ///< starts with "AADSTS<code>: ..."
  std::vector<int64_t> error_codes;

  bool is_token() const noexcept { return !access_token.empty(); }
};

/// Decodes a token endpoint body. status_code::corrupted when it is neither a token nor an
/// error, or a field has the wrong type; the message never contains a token value.
expected<token_endpoint_reply> decode_token_reply(const padded_body& body);

} // namespace m365
