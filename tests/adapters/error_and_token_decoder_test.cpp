// Graph error bodies and token endpoint answers as Microsoft documents them.
#include <catch2/catch.hpp>

#include "adapters/graph_error_decoder.hpp"
#include "adapters/token_response_decoder.hpp"
#include "fixture_body.hpp"

using namespace m365;
using m365::test::fixture_body;

TEST_CASE("Graph error bodies yield code, message and inner details", "[adapters][decoder][errors]") {
  auto generic = decode_graph_error(fixture_body("error_generic.json"));
  REQUIRE(generic.has_value());
  CHECK(generic->code == "invalidRange");
  CHECK(generic->message == "Uploaded fragment overlaps with existing data.");
  CHECK(generic->request_id == "request-id");

  auto throttled = decode_graph_error(fixture_body("error_throttled_429.json"));
  REQUIRE(throttled.has_value());
  CHECK(throttled->code == "TooManyRequests");
  CHECK(throttled->message == "Please retry again later.");
  CHECK(throttled->inner_code == "429");
  CHECK(throttled->request_id == "94fb3b52-452a-4535-a601-69e0a90e3aa2");
}

TEST_CASE("a body that is not a Graph error is refused", "[adapters][decoder][errors]") {
  CHECK_FALSE(decode_graph_error(padded_body{"<html>502 Bad Gateway</html>"}).has_value());
  CHECK_FALSE(decode_graph_error(padded_body{R"({"value":[]})"}).has_value());
  auto wrong = decode_graph_error(padded_body{R"({"error":{"code":404}})"});
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().message() == "Graph error body: error.code: wrong type (expected string)");
}

TEST_CASE("token endpoint success and error bodies decode", "[adapters][decoder][token]") {
  auto ok = decode_token_reply(fixture_body("token_success.json"));
  REQUIRE(ok.has_value());
  CHECK(ok->is_token());
  CHECK(ok->token_type == "Bearer");
  CHECK(ok->expires_in_s == 3599);
  CHECK(ok->access_token.rfind("eyJ0eXAiOiJKV1Qi", 0) == 0);

  auto refresh = decode_token_reply(fixture_body("token_refresh_success.json"));
  REQUIRE(refresh.has_value());
  CHECK(refresh->expires_in_s == 3599);

  auto err = decode_token_reply(fixture_body("token_error_invalid_scope.json"));
  REQUIRE(err.has_value());
  CHECK_FALSE(err->is_token());
  CHECK(err->error == "invalid_scope");
  CHECK(err->error_codes == std::vector<int64_t>{70011});
  CHECK(err->error_description.rfind("AADSTS70011:", 0) == 0);
}

TEST_CASE("a token body with a wrong type never echoes the token", "[adapters][decoder][token]") {
  auto bad = decode_token_reply(padded_body{R"({"access_token":"secret-token-value","expires_in":true})"});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message() == "token endpoint body: expires_in: wrong type (expected integer)");
  CHECK(bad.error().message().find("secret-token-value") == std::string::npos);
  CHECK_FALSE(decode_token_reply(padded_body{R"({"token_type":"Bearer"})"}).has_value());
}
