// Ownership: immutable after build(); find() is const and safe from any number of threads.
// Open-addressing hash table from a 64-bit fact key to a range of postings. One probe sequence in
// a flat array: cheaper than std::unordered_map on the per-item path.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace m365::rules_impl {

class fact_table {
public:
  struct range {
    uint32_t begin = 0;
    uint32_t end = 0;
  };

  /// Builds from (key, range) pairs with distinct keys. Key ~0 is reserved.
  void build(const std::vector<std::pair<uint64_t, range>>& entries) {
    size_t capacity = 8;
    while (capacity < entries.size() * 2)
      capacity *= 2;
    mask_ = capacity - 1;
    keys_.assign(capacity, empty_key);
    ranges_.assign(capacity, range{});
    for (const auto& [key, r] : entries) {
      size_t i = slot(key);
      while (keys_[i] != empty_key)
        i = (i + 1) & mask_;
      keys_[i] = key;
      ranges_[i] = r;
    }
  }

  /// The range stored for `key`, or an empty range.
  range find(uint64_t key) const noexcept {
    if (keys_.empty())
      return {};
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key)
        return ranges_[i];
      if (keys_[i] == empty_key)
        return {};
    }
  }

private:
  static constexpr uint64_t empty_key = ~uint64_t{0};
  size_t slot(uint64_t key) const noexcept {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
  }
  size_t mask_ = 0;
  std::vector<uint64_t> keys_;
  std::vector<range> ranges_;
};

} // namespace m365::rules_impl
