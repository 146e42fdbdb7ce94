// Ownership: interface implemented by the caller (the token actor's bridge, or a test); the
// graph client holds it by shared_ptr. get_token may complete on any thread: the client moves
// the result back onto its strand.
#pragma once

#include <functional>
#include <string>

#include "messages/expected.hpp"

namespace m365 {

/// Where the graph client gets a tenant's access token.
class token_source {
public:
  using callback = std::function<void(expected<std::string>)>;
  virtual ~token_source() = default;
  /// Delivers the current token; with `force_refresh` a new one from the token endpoint (after
  /// Graph answered 401 InvalidAuthenticationToken). A failure's message is shown to operators.
  virtual void get_token(bool force_refresh, callback done) = 0;
};

} // namespace m365
