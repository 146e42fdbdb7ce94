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
  ///
  /// A scan is a chain of dependent table loads, so one chain costs a load latency per byte.
  /// Long texts (body previews) are cut into four lanes scanned interleaved, each lane running
  /// on `longest keyword - 1` bytes into the next so that no occurrence is missed: the four
  /// chains overlap in the CPU and the scan runs about three times faster.
  template <class F>
  void scan(std::string_view text, F&& on_hit) const {
    if (empty())
      return;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    constexpr size_t lanes = 4;
    if (n < lanes * (overlap_ + 16)) {
      uint32_t row = 0;
      for (size_t i = 0; i < n; ++i)
        row = step(row, p[i], on_hit);
      return;
    }
    const size_t chunk = n / lanes;
    size_t begin[lanes];
    size_t end[lanes];
    uint32_t row[lanes] = {0, 0, 0, 0};
    for (size_t k = 0; k < lanes; ++k) {
      begin[k] = k * chunk;
      end[k] = k + 1 == lanes ? n : (k + 1) * chunk + overlap_;
    }
    const size_t common = chunk + overlap_ < n - begin[lanes - 1] ? chunk + overlap_
                                                                    : n - begin[lanes - 1];
    for (size_t i = 0; i < common; ++i) {
      row[0] = step(row[0], p[begin[0] + i], on_hit);
      row[1] = step(row[1], p[begin[1] + i], on_hit);
      row[2] = step(row[2], p[begin[2] + i], on_hit);
      row[3] = step(row[3], p[begin[3] + i], on_hit);
    }
    for (size_t k = 0; k < lanes; ++k)
      for (size_t i = begin[k] + common; i < end[k]; ++i)
        row[k] = step(row[k], p[i], on_hit);
  }

private:
  /// Byte -> symbol class. Class 0 stands for every byte no keyword contains; an upper-case
  /// ASCII letter shares the class of its lower-case form. Keeps the table small.
  std::array<uint8_t, 256> class_of_{};
  uint32_t classes_ = 1;
  /// One transition: `row` is the current state's offset in next_ (state * classes_). The
  /// stored value is the next state's row, with output_flag set when keywords end there.
  template <class F>
  [[gnu::always_inline]] uint32_t step(uint32_t row, unsigned char byte, F& on_hit) const {
    uint32_t v = next_[row + class_of_[byte]];
    uint32_t next_row = v & ~output_flag;
    if (v & output_flag) {
      uint32_t state = next_row / classes_;
      for (uint32_t i = out_begin_[state]; i < out_begin_[state + 1]; ++i)
        on_hit(out_ids_[i]);
    }
    return next_row;
  }

  static constexpr uint32_t output_flag = 0x80000000u;
  uint32_t overlap_ = 0;             ///< longest keyword - 1
  std::vector<uint32_t> next_;       ///< complete transition table, see step()
  std::vector<uint32_t> out_begin_;  ///< state -> first index in out_ids_ (size states + 1)
  std::vector<uint32_t> out_ids_;    ///< keywords ending at each state, incl. via failure links
};

} // namespace m365::rules_impl
