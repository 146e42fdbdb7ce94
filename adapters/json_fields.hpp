// Ownership: free functions over a caller's simdjson ondemand value; no state, thread-safe as
// long as each thread uses its own parser. Shared field readers of the Graph page decoders.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "adapters/padded_body.hpp"
#include "adapters/page_context.hpp"
#include "messages/participant.hpp"
#include "messages/sync_state.hpp"
#include "messages/status.hpp"

namespace m365 {

/// Where and why a field could not be read: `path` is relative to the item ("sender.emailAddress
/// .address"), `expected` names the JSON type the decoder wanted.
struct field_error {
  simdjson::error_code code = simdjson::SUCCESS;
  std::string path;
  const char* expected = "";

  bool failed() const noexcept { return code != simdjson::SUCCESS; }
  /// Records a failure of field `name` (keeps an inner path already recorded by a nested reader).
  bool fail(simdjson::error_code c, const char* name, const char* want);
};

/// Builds the decode status: "<what>: <where>.<path>: wrong type (expected string)" or
/// "... : malformed or truncated JSON (<simdjson message>)". Always status_code::corrupted.
status decode_failure(const char* what, const std::string& where, const field_error& err);

using json_value = simdjson::ondemand::value;

// Each reader accepts JSON null as "absent" (leaves the default: empty, false, 0) because Graph
// sends null for unset optional properties. Each returns false and fills `err` on failure.

bool read_string(json_value v, std::string& out, field_error& err, const char* name);
/// Graph booleans; the strings "true"/"false" are accepted too (a documented Graph sample sends
/// `"isRead": "true"`), anything else is a type error.
bool read_bool(json_value v, bool& out, field_error& err, const char* name);
bool read_int32(json_value v, int32_t& out, field_error& err, const char* name);
bool read_string_array(json_value v, std::vector<std::string>& out, field_error& err,
                       const char* name);
/// A `recipient` object: {"emailAddress": {"name": ..., "address": ...}}.
bool read_recipient(json_value v, participant& out, field_error& err, const char* name);
/// An array of recipients (toRecipients, ccRecipients, ...).
bool read_recipients(json_value v, std::vector<participant>& out, field_error& err,
                     const char* name);
/// True when the JSON text nests arrays/objects deeper than `max_depth`. simdjson's ondemand
/// front end does not enforce its max_depth (it skips unread values iteratively), so the
/// decoders check the limit with this pass: string contents are skipped with memchr, so the
/// cost is a small fraction of the parse.
bool nesting_exceeds(std::string_view json, size_t max_depth) noexcept;

/// Parses a small body (an error or token answer) and positions `root` on its top-level object;
/// `parser` and `doc` must outlive `root`. `what` names the body in the failure message.
status open_object(const padded_body& body, simdjson::ondemand::parser& parser,
                   simdjson::ondemand::document& doc, simdjson::ondemand::object& root,
                   const char* what);

/// The end of every delta page: exactly one of `next` (nextLink) / `delta` (deltaLink) is present. Sets
/// `final_page` (a deltaLink) and `link` (url, and tenant/user/folder from `ctx`).
status set_page_link(std::string next, std::string delta, const page_context& ctx,
                     const char* what, m365::delta_link& link, bool& final_page);

/// The checks every page decoder makes before parsing: size limit, simdjson padding, nesting.
/// `what` names the page in the message ("messages page").
status check_page_body(const padded_body& body, const decoder_limits& limits, const char* what);

/// True when nothing but whitespace follows the value just read (no trailing content).
bool at_document_end(simdjson::ondemand::document& doc) noexcept;

/// A string holding an ISO 8601 timestamp ("2016-12-01T22:39:05Z"); null keeps `out`.
bool read_timestamp(json_value v, int64_t& out, field_error& err, const char* name);

} // namespace m365
