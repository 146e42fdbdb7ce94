// Ownership: a plain value owned by one dedupe_journal (see there); one thread at a time.
// A flat open-addressing multimap from 64-bit hashes to 32-bit ordinals: 12 bytes a slot,
// linear probing, grown at 70% load, no removal (the owner drops the whole table instead).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace m365 {

class hash_slots {
public:
  void insert(uint64_t hash, uint32_t ordinal) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    place(slot_of(hash, ordinal));
    ++size_;
  }

  /// Calls `visit(ordinal)` for every entry inserted with `hash` (in no particular order).
  template <class Visit>
  void find(uint64_t hash, Visit&& visit) const {
    if (slots_.empty()) return;
    auto wanted = slot_of(hash, 0);
    size_t mask = slots_.size() - 1;
    for (size_t i = wanted.lo & mask;; i = (i + 1) & mask) {
      auto& s = slots_[i];
      if (s.empty()) return;
      if (s.hi == wanted.hi && s.lo == wanted.lo) visit(s.ordinal);
    }
  }

  size_t size() const noexcept { return size_; }

private:
  struct slot {
    uint32_t hi = 0;
    uint32_t lo = 0;  ///< hi == lo == 0: empty
    uint32_t ordinal = 0;
    bool empty() const noexcept { return hi == 0 && lo == 0; }
  };

  /// Hash 0 is stored as 1 (0 marks an empty slot); a false candidate is verified away anyway.
  static slot slot_of(uint64_t hash, uint32_t ordinal) noexcept {
    if (hash == 0) hash = 1;
    return slot{static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(hash), ordinal};
  }

  void place(const slot& s) {
    size_t mask = slots_.size() - 1;
    size_t i = s.lo & mask;
    while (!slots_[i].empty()) i = (i + 1) & mask;
    slots_[i] = s;
  }

  void grow() {
    std::vector<slot> old;
    old.swap(slots_);
    slots_.resize(old.empty() ? 64 : old.size() * 2);
    for (auto& s : old)
      if (!s.empty()) place(s);
  }

  std::vector<slot> slots_;
  size_t size_ = 0;
};

} // namespace m365
