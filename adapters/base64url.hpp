// Ownership: free functions, thread-safe. RFC 4648 §5 base64url without padding, as JWTs use.
#pragma once

#include <string>
#include <string_view>

namespace m365 {

std::string base64url_encode(std::string_view bytes);
/// Decodes unpadded (or padded) base64url; false on a character outside the alphabet.
bool base64url_decode(std::string_view text, std::string& out);

} // namespace m365
