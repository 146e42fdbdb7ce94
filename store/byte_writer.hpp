// Ownership: a byte_writer appends to a string it does not own; one thread at a time.
// The primitive encoding of every stored value (see record_codec.hpp): little-endian fixed
// integers, LEB128 varints for lengths and counts, length-prefixed strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace m365 {

/// Appends primitives to `out`. Never fails (the string grows).
class byte_writer {
public:
  explicit byte_writer(std::string& out) noexcept : out_(out) {}

  void u8(uint8_t x) { out_.push_back(static_cast<char>(x)); }
  void boolean(bool x) { u8(x ? 1 : 0); }

  void varint(uint64_t x) {
    char buf[10];
    size_t n = 0;
    while (x >= 0x80) {
      buf[n++] = static_cast<char>((x & 0x7f) | 0x80);
      x >>= 7;
    }
    buf[n++] = static_cast<char>(x);
    out_.append(buf, n);
  }

  void fixed64(uint64_t x) {
    char buf[8];
    for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((x >> (8 * i)) & 0xff);
    out_.append(buf, 8);
  }

  void i64(int64_t x) { fixed64(static_cast<uint64_t>(x)); }
  void i32(int32_t x) { varint(static_cast<uint32_t>(x)); }
  void u32(uint32_t x) { varint(x); }

  void str(std::string_view s) {
    varint(s.size());
    out_.append(s.data(), s.size());
  }

private:
  std::string& out_;
};

} // namespace m365
