// Ownership: owns its keys; immutable after the last insert(), then find() is const and safe from
// any number of threads. Open-addressing map from a string to a dense id (0, 1, 2, ... in
// insertion order). Lookups take a string_view and never allocate; one flat probe array with
// stored hashes, cheaper on the per-item path than std::unordered_map's node chase.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace m365::rules_impl {

class string_table {
public:
  static constexpr uint32_t npos = ~uint32_t{0};

  /// The id of `key`, inserting it when new.
  uint32_t insert(std::string_view key) {
    auto h = hash(key);
    if (auto id = find(key, h); id != npos)
      return id;
    if ((keys_.size() + 1) * 4 > slots_.size())  // load factor <= 1/4: misses end fast
      grow();
    auto id = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back(key);
    place(h, id);
    return id;
  }

  /// The id of `key`, or npos.
  uint32_t find(std::string_view key) const noexcept {
    return keys_.empty() ? npos : find(key, hash(key));
  }

  size_t size() const noexcept { return keys_.size(); }
  const std::string& key(uint32_t id) const noexcept { return keys_[id]; }

private:
  struct slot {
    uint32_t hash = 0;
    uint32_t id = npos;
  };

  /// 64-bit multiply-mix over 8-byte words, folded to 32 bits.
  static uint32_t hash(std::string_view s) noexcept {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
    }
    uint64_t tail = 0;
    if (s.size() > i)
      std::memcpy(&tail, s.data() + i, s.size() - i);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return static_cast<uint32_t>(h) ^ static_cast<uint32_t>(h >> 32);
  }

  uint32_t find(std::string_view key, uint32_t h) const noexcept {
    if (slots_.empty())
      return npos;
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.id == npos)
        return npos;
      if (s.hash == h && keys_[s.id] == key)
        return s.id;
    }
  }

  void place(uint32_t h, uint32_t id) {
    const size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    while (slots_[i].id != npos)
      i = (i + 1) & mask;
    slots_[i] = {h, id};
  }

  void grow() {
    slots_.assign(slots_.empty() ? 16 : slots_.size() * 2, slot{});
    for (uint32_t id = 0; id < keys_.size(); ++id)
      place(hash(keys_[id]), id);
  }

  std::vector<std::string> keys_;
  std::vector<slot> slots_;
};

} // namespace m365::rules_impl
