// Ownership: type aliases only. The HTTP message types the simulator's handlers take.
#pragma once

#include <boost/beast/http.hpp>

namespace m365::sim {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;

} // namespace m365::sim
