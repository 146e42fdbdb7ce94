// Ownership: one per test thread; not thread-safe. A small synchronous Beast HTTP(S)/1.1 client
// on one keep-alive connection (reconnects after the server closes), for talking to m365sim.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace m365::sim::testing {

struct http_reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string body;
  boost::beast::error_code error;             ///< set when the exchange failed (reset, truncation)
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class sim_client {
public:
  sim_client(std::string host, uint16_t port, bool tls = false);
  ~sim_client();

  /// Sends one request. `target` may be absolute (`http://host:port/path?q`) or origin-form.
  http_reply request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::vector<std::pair<std::string, std::string>>& headers = {});
  http_reply get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return request("GET", target, {}, headers);
  }

  /// Origin-form of an absolute URL (drops scheme and authority).
  static std::string target_of(const std::string& url);

private:
  void connect();
  void close();

  std::string host_;
  uint16_t port_;
  bool tls_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ssl_ctx_{boost::asio::ssl::context::tls_client};
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
};

} // namespace m365::sim::testing
