// Ownership: see header.
#include "adapters/token_response_decoder.hpp"

#include "adapters/json_fields.hpp"

namespace m365 {

namespace {

constexpr const char* what = "token endpoint body";

bool read_int64(json_value v, int64_t& out, field_error& err, const char* name) {
  simdjson::ondemand::json_type t{};
  if (auto e = v.type().get(t))
    return err.fail(e, name, "integer");
  if (t == simdjson::ondemand::json_type::null)
    return true;
  if (t == simdjson::ondemand::json_type::string) {
    // Older endpoints send expires_in as a string of digits.
    std::string s;
    if (!read_string(v, s, err, name))
      return false;
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
      return err.fail(simdjson::INCORRECT_TYPE, name, "integer");
    out = std::stoll(s);
    return true;
  }
  if (auto e = v.get_int64().get(out))
    return err.fail(e, name, "integer");
  return true;
}

} // namespace

expected<token_endpoint_reply> decode_token_reply(const padded_body& body) {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (auto opened = open_object(body, parser, doc, root, what); !opened)
    return opened;
  field_error err;
  token_endpoint_reply out;
  for (auto field : root) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f)) {
      err.fail(e, "", "object");
      return decode_failure(what, "top level", err);
    }
    auto key = f.key();
    bool ok = true;
    if (key == "access_token") ok = read_string(f.value(), out.access_token, err, "access_token");
    else if (key == "token_type") ok = read_string(f.value(), out.token_type, err, "token_type");
    else if (key == "expires_in") ok = read_int64(f.value(), out.expires_in_s, err, "expires_in");
    else if (key == "error") ok = read_string(f.value(), out.error, err, "error");
    else if (key == "error_description")
      ok = read_string(f.value(), out.error_description, err, "error_description");
    else if (key == "error_codes") {
      simdjson::ondemand::array arr;
      if (auto e = f.value().get_array().get(arr)) {
        ok = err.fail(e, "error_codes", "array of integers");
      } else {
        for (auto element : arr) {
          int64_t code = 0;
          if (auto e = element.get_int64().get(code)) {
            ok = err.fail(e, "error_codes", "array of integers");
            break;
          }
          out.error_codes.push_back(code);
        }
      }
    }
    if (!ok)
      return decode_failure(what, "", err);
  }
  if (!at_document_end(doc)) {
    err.fail(simdjson::TRAILING_CONTENT, "", "");
    return decode_failure(what, "after the top-level object", err);
  }
  if (out.access_token.empty() && out.error.empty())
    return status::corrupted(std::string(what) + ": neither access_token nor error is present");
  if (!out.access_token.empty() && out.expires_in_s <= 0)
    return status::corrupted(std::string(what) + ": expires_in is missing or not positive");
  return out;
}

} // namespace m365
