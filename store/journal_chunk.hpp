// Ownership: a journal_chunk_view views bytes it does not own (an LMDB value, valid for the
// transaction); stateless encoder. One thread at a time.
// The value format of one dedupe journal chunk (see dedupe_journal.hpp): the entries one write
// transaction appended for one user and kind. Readable by index without decoding the rest:
//   u8 version (1) | varint count | count x fixed64 hash (LE) | count x u32 key end (LE)
//   | owner record keys, concatenated
// so loading the index reads only the hashes, and a candidate's owner key is found in O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/status.hpp"

namespace m365 {

/// One journal entry: the 64-bit hash of a dedupe digest and the record key it was stored under.
struct journal_entry {
  uint64_t hash = 0;
  std::string owner;
};

/// Appends the chunk of `entries` to `out`.
void encode_journal_chunk(const std::vector<journal_entry>& entries, std::string& out);

/// A parsed chunk; views into the bytes given to parse().
class journal_chunk_view {
public:
  /// ok, or corrupted when the bytes are not a well-formed chunk.
  status parse(std::string_view bytes);
  size_t size() const noexcept { return count_; }
  uint64_t hash(size_t i) const noexcept;
  std::string_view owner(size_t i) const noexcept;

private:
  uint32_t key_end(size_t i) const noexcept;

  std::string_view hashes_;
  std::string_view ends_;
  std::string_view keys_;
  size_t count_ = 0;
};

} // namespace m365
