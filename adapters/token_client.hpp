// Ownership: immutable after construction (holds the tenant's credential: never log it); safe
// to share between threads. The client-credentials flow of the Microsoft identity platform:
// builds the token request and interprets the answer. Sending goes through http_transport
// (token requests go only to the tenant's authority host, never with a bearer token).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/client_assertion.hpp"
#include "adapters/graph_endpoint.hpp"
#include "adapters/padded_body.hpp"
#include "messages/errors.hpp"
#include "messages/expected.hpp"

namespace m365 {

class http_transport;

/// A tenant's app credential: a client secret, or a certificate assertion (set exactly one).
struct client_credential {
  std::string client_id;
  std::string client_secret;                          ///< secret
  std::shared_ptr<const client_assertion> assertion;  ///< holds the private key
};

struct issued_token {
  std::string value;  ///< secret: never log it
  std::chrono::system_clock::time_point expires_at;
};

/// A token or why there is none. `transient` failures (endpoint down, 5xx, garbage) are worth
/// retrying soon; the others need an operator (wrong secret, app not consented...).
struct token_outcome {
  bool ok = false;
  issued_token token;
  token_errc error = token_errc::endpoint_error;
  std::string message;  ///< operator-facing: what happened and what to do; never a secret
  bool transient = false;
};

/// The request to send: POST `target` on the authority with a form body.
struct token_http_request {
  std::string target;        ///< "/{directory}/oauth2/v2.0/token"
  std::string body;          ///< form-urlencoded; contains the secret or assertion
  std::string content_type;  ///< "application/x-www-form-urlencoded"
};

class token_client {
public:
  /// `authority` e.g. https://login.microsoftonline.com; `directory_id` a GUID or domain.
  token_client(graph_endpoint authority, std::string directory_id, client_credential credential,
               std::string scope = "https://graph.microsoft.com/.default");

  /// "https://login.microsoftonline.com/{directory}/oauth2/v2.0/token" (the assertion's aud).
  std::string token_endpoint_url() const;

  /// The client_credentials request at `now_s` (a fresh assertion each time).
  expected<token_http_request> build_request(int64_t now_s) const;

  /// Interprets the endpoint's answer received at `now`.
  token_outcome interpret(unsigned http_status, const padded_body& body,
                          std::chrono::system_clock::time_point now) const;

  /// Requests a token through `transport` (any thread; `done` runs on the transport's strand).
  /// Transport failures and 5xx/429 answers are `transient` endpoint_error outcomes.
  void fetch(const std::shared_ptr<http_transport>& transport,
             std::function<void(token_outcome)> done) const;

  const graph_endpoint& authority() const noexcept { return authority_; }
  const std::string& directory_id() const noexcept { return directory_id_; }

private:
  graph_endpoint authority_;
  std::string directory_id_;
  client_credential credential_;
  std::string scope_;
};

/// The AADSTS number in an error reply (error_codes[0], else "AADSTS<n>:" in the text); 0 if none.
int64_t aadsts_code(const std::vector<int64_t>& error_codes, const std::string& description);

} // namespace m365
