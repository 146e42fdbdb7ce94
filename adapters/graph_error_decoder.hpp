// Ownership: free function, thread-safe (a parser per call: error bodies are rare and small).
// Graph's error body `{"error": {"code", "message", "innerError": {...}}}`.
#pragma once

#include <string>

#include "adapters/padded_body.hpp"
#include "messages/expected.hpp"

namespace m365 {

struct graph_error_body {
  std::string code;        ///< "TooManyRequests", "syncStateNotFound", "InvalidAuthenticationToken"
  std::string message;     ///< Graph's human message
  std::string inner_code;  ///< innerError.code when present ("429")
  std::string request_id;  ///< innerError["request-id"], for support tickets
};

/// Decodes an error body; status_code::corrupted when it is not one (no "error" object,
/// wrong types, truncated).
expected<graph_error_body> decode_graph_error(const padded_body& body);

} // namespace m365
