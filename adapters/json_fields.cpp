// Ownership: free functions.
#include "adapters/json_fields.hpp"

#include <cstring>

#include "adapters/graph_time.hpp"

namespace m365 {

using simdjson::ondemand::json_type;

bool field_error::fail(simdjson::error_code c, const char* name, const char* want) {
  if (code == simdjson::SUCCESS) {
    code = c;
    expected = want;
    path = name;
  } else if (name && *name) {
    path = path.empty() ? std::string(name) : std::string(name) + "." + path;
  }
  return false;
}

status decode_failure(const char* what, const std::string& where, const field_error& err) {
  std::string msg = what;
  msg += ": ";
  msg += where;
  if (!where.empty() && !err.path.empty())
    msg += '.';
  msg += err.path;
  if (err.code == simdjson::INCORRECT_TYPE)
    msg += std::string(": wrong type (expected ") + err.expected + ")";
  else if (err.code == simdjson::NUMBER_OUT_OF_RANGE)
    msg += std::string(": number out of range (expected ") + err.expected + ")";
  else
    msg += std::string(": malformed or truncated JSON (") + simdjson::error_message(err.code) + ")";
  return status::corrupted(std::move(msg));
}

namespace {

/// The value's type, or false with err filled. `null` is reported as json_type::null.
bool type_of(json_value& v, json_type& t, field_error& err, const char* name, const char* want) {
  if (auto e = v.type().get(t))
    return err.fail(e, name, want);
  return true;
}

} // namespace

bool read_string(json_value v, std::string& out, field_error& err, const char* name) {
  json_type t{};
  if (!type_of(v, t, err, name, "string"))
    return false;
  if (t == json_type::null)
    return true;
  if (t != json_type::string)
    return err.fail(simdjson::INCORRECT_TYPE, name, "string");
  std::string_view s;
  if (auto e = v.get_string().get(s))
    return err.fail(e, name, "string");
  out.assign(s.data(), s.size());
  return true;
}

bool read_bool(json_value v, bool& out, field_error& err, const char* name) {
  json_type t{};
  if (!type_of(v, t, err, name, "boolean"))
    return false;
  switch (t) {
    case json_type::null:
      return true;
    case json_type::boolean:
      if (auto e = v.get_bool().get(out))
        return err.fail(e, name, "boolean");
      return true;
    case json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s))
        return err.fail(e, name, "boolean");
      if (s == "true" || s == "false") {
        out = s == "true";
        return true;
      }
      return err.fail(simdjson::INCORRECT_TYPE, name, "boolean");
    }
    default:
      return err.fail(simdjson::INCORRECT_TYPE, name, "boolean");
  }
}

bool read_int32(json_value v, int32_t& out, field_error& err, const char* name) {
  json_type t{};
  if (!type_of(v, t, err, name, "integer"))
    return false;
  if (t == json_type::null)
    return true;
  if (t != json_type::number)
    return err.fail(simdjson::INCORRECT_TYPE, name, "integer");
  int64_t n = 0;
  if (auto e = v.get_int64().get(n))
    return err.fail(e, name, "integer");
  if (n < INT32_MIN || n > INT32_MAX)
    return err.fail(simdjson::NUMBER_OUT_OF_RANGE, name, "32-bit integer");
  out = static_cast<int32_t>(n);
  return true;
}

bool read_string_array(json_value v, std::vector<std::string>& out, field_error& err,
                       const char* name) {
  json_type t{};
  if (!type_of(v, t, err, name, "array of strings"))
    return false;
  if (t == json_type::null)
    return true;
  if (t != json_type::array)
    return err.fail(simdjson::INCORRECT_TYPE, name, "array of strings");
  simdjson::ondemand::array arr;
  if (auto e = v.get_array().get(arr))
    return err.fail(e, name, "array of strings");
  for (auto element : arr) {
    json_value item;
    if (auto e = std::move(element).get(item))
      return err.fail(e, name, "array of strings");
    std::string s;
    if (!read_string(item, s, err, ""))
      return err.fail(err.code, (std::string(name) + "[" + std::to_string(out.size()) + "]").c_str(), "");
    out.push_back(std::move(s));
  }
  return true;
}

namespace {

bool read_email_address(json_value v, participant& out, field_error& err) {
  json_type t{};
  if (!type_of(v, t, err, "emailAddress", "object"))
    return false;
  if (t == json_type::null)
    return true;
  if (t != json_type::object)
    return err.fail(simdjson::INCORRECT_TYPE, "emailAddress", "object");
  simdjson::ondemand::object obj;
  if (auto e = v.get_object().get(obj))
    return err.fail(e, "emailAddress", "object");
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, "emailAddress", "object");
    auto key = f.key();
    if (key == "address") {
      if (!read_string(f.value(), out.address, err, "address"))
        return err.fail(err.code, "emailAddress", "");
    } else if (key == "name") {
      if (!read_string(f.value(), out.name, err, "name"))
        return err.fail(err.code, "emailAddress", "");
    }
  }
  return true;
}

} // namespace

bool read_recipient(json_value v, participant& out, field_error& err, const char* name) {
  json_type t{};
  if (!type_of(v, t, err, name, "object"))
    return false;
  if (t == json_type::null)
    return true;
  if (t != json_type::object)
    return err.fail(simdjson::INCORRECT_TYPE, name, "object");
  simdjson::ondemand::object obj;
  if (auto e = v.get_object().get(obj))
    return err.fail(e, name, "object");
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, name, "object");
    if (f.key() == "emailAddress" && !read_email_address(f.value(), out, err))
      return err.fail(err.code, name, "");
  }
  return true;
}

bool read_recipients(json_value v, std::vector<participant>& out, field_error& err,
                     const char* name) {
  json_type t{};
  if (!type_of(v, t, err, name, "array"))
    return false;
  if (t == json_type::null)
    return true;
  if (t != json_type::array)
    return err.fail(simdjson::INCORRECT_TYPE, name, "array");
  simdjson::ondemand::array arr;
  if (auto e = v.get_array().get(arr))
    return err.fail(e, name, "array");
  size_t index = 0;
  for (auto element : arr) {
    json_value item;
    if (auto e = std::move(element).get(item))
      return err.fail(e, name, "array");
    participant p;
    if (!read_recipient(item, p, err, "")) {
      std::string where = std::string(name) + "[" + std::to_string(index) + "]";
      err.path = err.path.empty() ? where : where + "." + err.path;
      return false;
    }
    out.push_back(std::move(p));
    ++index;
  }
  return true;
}

bool nesting_exceeds(std::string_view json, size_t max_depth) noexcept {
  const char* p = json.data();
  const char* const end = p + json.size();
  size_t depth = 0;
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      // Jump to the closing quote: one that is preceded by an even number of backslashes.
      for (;;) {
        const void* q = std::memchr(p, '"', static_cast<size_t>(end - p));
        if (!q)
          return false;  // unterminated string: the parser reports it
        const char* quote = static_cast<const char*>(q);
        size_t backslashes = 0;
        for (const char* b = quote; b > p && b[-1] == '\\'; --b)
          ++backslashes;
        p = quote + 1;
        if (backslashes % 2 == 0)
          break;
      }
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth)
        return true;
    } else if (c == '}' || c == ']') {
      if (depth > 0)
        --depth;
    }
  }
  return false;
}

bool at_document_end(simdjson::ondemand::document& doc) noexcept {
  // simdjson 3.0 has no document::at_end(); current_location() fails once past the last token.
  return doc.current_location().error() != simdjson::SUCCESS;
}

bool read_timestamp(json_value v, int64_t& out, field_error& err, const char* name) {
  std::string text;
  if (!read_string(v, text, err, name))
    return false;
  if (text.empty())
    return true;
  auto at = parse_iso8601_utc(text);
  if (!at)
    return err.fail(simdjson::INCORRECT_TYPE, name, "ISO 8601 date-time");
  out = *at;
  return true;
}

status check_page_body(const padded_body& body, const decoder_limits& limits, const char* what) {
  if (body.size() > limits.max_body_bytes)
    return status::corrupted(std::string(what) + ": body of " + std::to_string(body.size())
                             + " bytes exceeds the limit of "
                             + std::to_string(limits.max_body_bytes));
  if (!body.is_padded())
    return status::internal(std::string(what) + ": body buffer lacks simdjson padding");
  if (nesting_exceeds(body.view(), limits.max_depth))
    return status::corrupted(std::string(what) + ": JSON nests deeper than "
                             + std::to_string(limits.max_depth) + " levels");
  return status::ok();
}

status open_object(const padded_body& body, simdjson::ondemand::parser& parser,
                   simdjson::ondemand::document& doc, simdjson::ondemand::object& root,
                   const char* what) {
  if (!body.is_padded())
    return status::internal(std::string(what) + ": body buffer lacks simdjson padding");
  field_error err;
  if (auto e = parser.iterate(body.view().data(), body.size(), body.bytes().capacity()).get(doc)) {
    err.fail(e, "", "object");
    return decode_failure(what, "", err);
  }
  if (auto e = doc.get_object().get(root)) {
    err.fail(e, "", "object");
    return decode_failure(what, "top level", err);
  }
  return status::ok();
}

status set_page_link(std::string next, std::string delta, const page_context& ctx,
                     const char* what, m365::delta_link& link, bool& final_page) {
  if (next.empty() == delta.empty())
    return status::corrupted(std::string(what) + (next.empty()
      ? ": neither @odata.nextLink nor @odata.deltaLink is present"
      : ": both @odata.nextLink and @odata.deltaLink are present"));
  final_page = !delta.empty();
  link.tenant = ctx.tenant;
  link.user = ctx.user;
  link.folder = ctx.folder;
  link.url = final_page ? std::move(delta) : std::move(next);
  return status::ok();
}

} // namespace m365
