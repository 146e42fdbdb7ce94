// Ownership: value types moved between the graph client, the transport and a connection; used
// on the transport's strand. One HTTP/1.1 request to send and what came back.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/verb.hpp>

#include "adapters/padded_body.hpp"

namespace m365 {

struct http_request_spec {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  ///< origin-form: "/v1.0/users/x/messages/delta?..."
  /// Extra headers ("Prefer", "Authorization"). Authorization is a secret: never log values.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
};

/// The answer, or the transport failure that prevented one.
struct http_reply {
  boost::beast::error_code error;  ///< set on a transport failure (no usable answer)
  const char* stage = "";          ///< where it failed: "resolve", "connect", "tls", "write", "read"
  unsigned status = 0;
  std::string retry_after;
  std::string location;
  std::string request_id;          ///< Graph's request-id header, for support tickets
  padded_body body;
  bool reused_connection = false;
  bool keep_alive = false;
  bool padding_copied = false;     ///< the body had no Content-Length and was copied once
};

} // namespace m365
