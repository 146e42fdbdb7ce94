// Ownership: pure functions, thread-safe. Base64 (standard and URL-safe) for ids, links and JWTs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace m365::sim {

/// Standard alphabet with `=` padding.
std::string base64_encode(std::string_view bytes);

/// URL-safe alphabet (`-`, `_`), no padding (JWT style).
std::string base64url_encode(std::string_view bytes);

/// Decodes either alphabet, padding optional; nullopt on a character outside both.
std::optional<std::string> base64_decode_any(std::string_view text);

} // namespace m365::sim
