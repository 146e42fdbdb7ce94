// Ownership: free function, no state; safe from any thread. How user-supplied text appears in
// rule error messages: quoted, and cut short so a pasted blob cannot flood an API error or a log.
#pragma once

#include <string>
#include <string_view>

namespace m365::rules_impl {

/// Longest piece of user text quoted verbatim in an error message.
constexpr size_t max_quoted_length = 120;

/// "'value'", or "'first 120 bytes...'" for longer values.
inline std::string quoted(std::string_view s) {
  std::string out = "'";
  if (s.size() <= max_quoted_length) {
    out.append(s.data(), s.size());
  } else {
    out.append(s.data(), max_quoted_length);
    out += "...";
  }
  out += '\'';
  return out;
}

} // namespace m365::rules_impl
