// Ownership: a byte_reader views bytes it does not own (an LMDB value valid for the read
// transaction, or a string); one thread at a time. Mirror of byte_writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace m365 {

/// Reads primitives written by byte_writer. A read past the end (truncation) or a malformed
/// varint sets a sticky failure flag; check `ok()` once after decoding a whole record.
class byte_reader {
public:
  explicit byte_reader(std::string_view in) noexcept : in_(in) {}

  bool ok() const noexcept { return ok_; }
  /// True when every byte was consumed and nothing failed.
  bool done() const noexcept { return ok_ && pos_ == in_.size(); }
  size_t remaining() const noexcept { return in_.size() - pos_; }
  void fail() noexcept { ok_ = false; }

  uint8_t u8() noexcept {
    if (!ok_ || pos_ >= in_.size()) return fail_with(uint8_t{0});
    return static_cast<uint8_t>(in_[pos_++]);
  }

  bool boolean() noexcept {
    auto x = u8();
    if (x > 1) fail();
    return x == 1;
  }

  uint64_t varint() noexcept {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!ok_ || pos_ >= in_.size()) return fail_with(uint64_t{0});
      auto byte = static_cast<uint8_t>(in_[pos_++]);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return result;
    }
    return fail_with(uint64_t{0});
  }

  uint64_t fixed64() noexcept {
    if (!ok_ || in_.size() - pos_ < 8) return fail_with(uint64_t{0});
    uint64_t x = 0;
    for (int i = 0; i < 8; ++i)
      x |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return x;
  }

  int64_t i64() noexcept { return static_cast<int64_t>(fixed64()); }

  uint32_t u32() noexcept {
    auto x = varint();
    if (x > UINT32_MAX) return fail_with(uint32_t{0});
    return static_cast<uint32_t>(x);
  }

  int32_t i32() noexcept { return static_cast<int32_t>(u32()); }

  /// A view into the input; valid as long as the input is.
  std::string_view str_view() noexcept {
    auto n = varint();
    if (!ok_ || n > in_.size() - pos_) return fail_with(std::string_view{});
    auto out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  void str(std::string& out) {
    auto view = str_view();
    out.assign(view.data(), view.size());
  }

  /// Reads a count that announces at least `min_bytes_each` bytes per element; fails when the
  /// input cannot hold that many (a corrupted count must not trigger a huge allocation).
  size_t count(size_t min_bytes_each) noexcept {
    auto n = varint();
    if (!ok_ || (min_bytes_each > 0 && n > remaining() / min_bytes_each))
      return fail_with(size_t{0});
    return static_cast<size_t>(n);
  }

private:
  template <class T>
  T fail_with(T value) noexcept {
    ok_ = false;
    return value;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

} // namespace m365
