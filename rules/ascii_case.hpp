// Ownership: free functions, no state; safe from any thread. The rules' allocation-free helpers
// over the project's one ASCII fold (messages/ascii_case.hpp), shared by the parser and the
// compiled evaluator. Rules compare case-insensitively on ASCII letters only
// (A-Z); other bytes, including UTF-8 sequences, compare exactly.
#pragma once

#include <string>
#include <string_view>

#include "messages/ascii_case.hpp"

namespace m365::rules_impl {

/// 'A'..'Z' -> 'a'..'z'; every other byte unchanged.
constexpr char fold_ascii(char c) noexcept { return ascii_lower(c); }

/// Writes the folded form of `in` into `out`, reusing out's capacity (no allocation once warm).
inline void fold_into(std::string_view in, std::string& out) {
  out.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    out[i] = fold_ascii(in[i]);
}

/// The folded copy of `in`.
inline std::string folded(std::string_view in) {
  std::string out;
  fold_into(in, out);
  return out;
}

/// The domain part of an already folded address: what follows the last '@'; empty without '@'.
inline std::string_view domain_of(std::string_view folded_address) noexcept {
  auto at = folded_address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : folded_address.substr(at + 1);
}

} // namespace m365::rules_impl
