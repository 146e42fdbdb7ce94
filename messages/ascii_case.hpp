// Ownership: free functions, no state; safe from any thread. The one ASCII case fold of the
// project: host names, URL schemes, mailbox addresses and rule text compare without ASCII case
// ('A'..'Z' only; other bytes, UTF-8 included, compare exactly, as Exchange and DNS do).
#pragma once

#include <string>
#include <string_view>

namespace m365 {

/// 'A'..'Z' -> 'a'..'z'; every other byte unchanged (no locale, unlike std::tolower).
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// The folded copy of `s`.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = ascii_lower(c);
  return out;
}

/// `a` and `b` are equal but for ASCII case.
constexpr bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

} // namespace m365
