// Ownership: value type, moved from the connection that read it to the decoder (never copied on
// the hot path). Not thread-safe; one owner at a time.
#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>

namespace m365 {

/// An HTTP response body kept with simdjson::SIMDJSON_PADDING spare bytes of capacity after its
/// end, so the ondemand parser reads it in place.
class padded_body {
public:
  padded_body() = default;
  explicit padded_body(std::string bytes) : bytes_(std::move(bytes)) { ensure_padding(); }

  /// Reserves room for `expected_size` bytes plus the padding before a read fills `bytes()`.
  void reserve_for(size_t expected_size) { bytes_.reserve(expected_size + simdjson::SIMDJSON_PADDING); }

  /// Makes sure the padding is there; reallocates (one copy) only if a read without a
  /// Content-Length left too little spare capacity.
  void ensure_padding() {
    if (bytes_.capacity() - bytes_.size() < simdjson::SIMDJSON_PADDING)
      bytes_.reserve(bytes_.size() + simdjson::SIMDJSON_PADDING);
  }

  bool is_padded() const noexcept {
    return bytes_.capacity() - bytes_.size() >= simdjson::SIMDJSON_PADDING;
  }

  std::string& bytes() noexcept { return bytes_; }
  const std::string& bytes() const noexcept { return bytes_; }
  std::string_view view() const noexcept { return bytes_; }
  size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }

private:
  std::string bytes_;
};

} // namespace m365
