// The dedupe journal's chunk format; see journal_chunk.hpp.
#include "store/journal_chunk.hpp"

#include "store/byte_reader.hpp"
#include "store/byte_writer.hpp"

namespace m365 {

namespace {

constexpr uint8_t chunk_version = 1;

uint64_t read_le(std::string_view bytes, size_t at, size_t width) noexcept {
  uint64_t x = 0;
  for (size_t i = 0; i < width; ++i)
    x |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
  return x;
}

} // namespace

void encode_journal_chunk(const std::vector<journal_entry>& entries, std::string& out) {
  byte_writer w(out);
  w.u8(chunk_version);
  w.varint(entries.size());
  for (auto& e : entries) w.fixed64(e.hash);
  uint32_t end = 0;
  for (auto& e : entries) {
    end += static_cast<uint32_t>(e.owner.size());
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((end >> (8 * i)) & 0xff));
  }
  for (auto& e : entries) out += e.owner;
}

status journal_chunk_view::parse(std::string_view bytes) {
  byte_reader r(bytes);
  auto version = r.u8();
  if (r.ok() && version != chunk_version)
    return status::version_mismatch("dedupe journal chunk of version " + std::to_string(version));
  auto count = r.count(12);
  if (!r.ok()) return status::corrupted("truncated dedupe journal chunk");
  size_t at = bytes.size() - r.remaining();
  hashes_ = bytes.substr(at, count * 8);
  ends_ = bytes.substr(at + count * 8, count * 4);
  keys_ = bytes.substr(at + count * 12);
  count_ = count;
  uint32_t previous = 0;
  for (size_t i = 0; i < count; ++i) {
    auto end = key_end(i);
    if (end < previous || end > keys_.size())
      return status::corrupted("dedupe journal chunk with a malformed key table");
    previous = end;
  }
  if (previous != keys_.size()) return status::corrupted("dedupe journal chunk with extra bytes");
  return status::ok();
}

uint64_t journal_chunk_view::hash(size_t i) const noexcept { return read_le(hashes_, i * 8, 8); }

uint32_t journal_chunk_view::key_end(size_t i) const noexcept {
  return static_cast<uint32_t>(read_le(ends_, i * 4, 4));
}

std::string_view journal_chunk_view::owner(size_t i) const noexcept {
  uint32_t begin = i == 0 ? 0 : key_end(i - 1);
  return keys_.substr(begin, key_end(i) - begin);
}

} // namespace m365
