// Ownership: header-only, stateless, thread-safe. Appends JSON tokens to a std::string; the
// simulator writes Graph bodies by concatenation (no DOM) so pages are cheap to assemble.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace m365::sim::json {

/// Appends `s` as a JSON string literal (quotes included), escaping what RFC 8259 requires.
inline void append_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

/// Appends `"key":` (key must not need escaping).
inline void append_key(std::string& out, std::string_view key) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

/// Appends `"key":"value",` style member without the trailing comma.
inline void append_member(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_string(out, value);
}

/// Without this overload a `const char*` value would silently pick the `bool` one.
inline void append_member(std::string& out, std::string_view key, const char* value) {
  append_key(out, key);
  append_string(out, value);
}

inline void append_member(std::string& out, std::string_view key, bool value) {
  append_key(out, key);
  out.append(value ? "true" : "false");
}

inline void append_member_int(std::string& out, std::string_view key, int64_t value) {
  append_key(out, key);
  out.append(std::to_string(value));
}

inline void append_null_member(std::string& out, std::string_view key) {
  append_key(out, key);
  out.append("null");
}

} // namespace m365::sim::json
