#include "tests/sim/sim_client.hpp"

namespace m365::sim::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

sim_client::sim_client(std::string host, uint16_t port, bool tls) : host_(std::move(host)), port_(port), tls_(tls) {
  ssl_ctx_.set_verify_mode(net::ssl::verify_none); // the simulator's throwaway certificate
}

sim_client::~sim_client() {
  close();
}

std::string sim_client::target_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return url;
  auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

void sim_client::connect() {
  buffer_.clear();
  net::ip::tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(host_, std::to_string(port_));
  if (tls_) {
    secure_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc_, ssl_ctx_);
    beast::get_lowest_layer(*secure_).connect(results);
    secure_->handshake(net::ssl::stream_base::client);
  } else {
    plain_ = std::make_unique<beast::tcp_stream>(ioc_);
    plain_->connect(results);
  }
}

void sim_client::close() {
  beast::error_code ec;
  if (plain_)
    plain_->socket().close(ec);
  if (secure_)
    beast::get_lowest_layer(*secure_).socket().close(ec);
  plain_.reset();
  secure_.reset();
}

http_reply sim_client::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
  http_reply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (!plain_ && !secure_)
        connect();
      http::request<http::string_body> req{http::string_to_verb(method), target_of(target), 11};
      req.set(http::field::host, host_ + ":" + std::to_string(port_));
      req.keep_alive(true);
      for (auto& [k, v] : headers)
        req.insert(k, v);
      if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
        req.body() = body;
        req.prepare_payload();
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(256 * 1024 * 1024);
      beast::error_code ec;
      if (tls_) {
        http::write(*secure_, req, ec);
        if (!ec)
          http::read(*secure_, buffer_, parser, ec);
      } else {
        http::write(*plain_, req, ec);
        if (!ec)
          http::read(*plain_, buffer_, parser, ec);
      }
      if (ec) {
        close();
        // A stale keep-alive connection fails before any byte arrives; retry that once.
        if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                             ec == net::error::broken_pipe) && !parser.got_some()) {
          continue;
        }
        reply.error = ec;
        return reply;
      }
      auto res = parser.release();
      reply.status = res.result_int();
      for (auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        reply.headers[name] = std::string(f.value());
      }
      reply.body = std::move(res.body());
      if (!res.keep_alive())
        close();
      return reply;
    } catch (const std::exception&) {
      close();
      if (attempt == 1)
        reply.error = net::error::connection_refused;
    }
  }
  return reply;
}

} // namespace m365::sim::testing
