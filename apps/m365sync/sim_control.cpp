#include "apps/m365sync/sim_control.hpp"

#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>

namespace m365::cli {

std::pair<unsigned, boost::json::value> sim_control::call(const std::string& method,
                                                          const std::string& target,
                                                          const std::string& body) {
  sim::http_request req{boost::beast::http::string_to_verb(method), target, 11};
  req.body() = body;
  req.prepare_payload();
  auto res = api_.handle(req);
  boost::system::error_code ec;
  auto value = res.body.empty() ? boost::json::value{} : boost::json::parse(res.body, ec);
  return {res.status, ec ? boost::json::value{} : value};
}

} // namespace m365::cli
