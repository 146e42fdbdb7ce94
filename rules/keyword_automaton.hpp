// Ownership: immutable after build(); scan() is const and safe from any number of threads.
// Aho-Corasick automaton over ASCII-folded keywords: one pass over a text reports every keyword
// it contains, so 100 `subject_contains` keywords cost one scan, not 100 searches.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace m365::rules_impl {

class keyword_automaton {
public:
  /// Builds the automaton. `keywords` are (folded, non-empty keyword, id reported on a hit).
  void build(const std::vector<std::pair<std::string, uint32_t>>& keywords);

  bool empty() const noexcept { return out_begin_.empty(); }

  /// Calls `on_hit(id)` for every occurrence of every keyword in `text`, folding ASCII case on
  /// the fly (the text is not copied). An id may be reported more than once.
  template <class F>
  void scan(std::string_view text, F&& on_hit) const {
    if (empty())
      return;
    uint32_t state = 0;
    for (unsigned char byte : text) {
      state = next_[state * classes_ + class_of_[byte]];
      for (uint32_t i = out_begin_[state]; i < out_begin_[state + 1]; ++i)
        on_hit(out_ids_[i]);
    }
  }

private:
  /// Byte -> symbol class. Class 0 stands for every byte no keyword contains; an upper-case
  /// ASCII letter shares the class of its lower-case form. Keeps the table small.
  std::array<uint8_t, 256> class_of_{};
  uint32_t classes_ = 1;
  std::vector<uint32_t> next_;       ///< complete transition table, state * classes_ + class
  std::vector<uint32_t> out_begin_;  ///< state -> first index in out_ids_ (size states + 1)
  std::vector<uint32_t> out_ids_;    ///< keywords ending at each state, incl. via failure links
};

} // namespace m365::rules_impl
