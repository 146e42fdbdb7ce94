// Aho-Corasick construction: trie, then breadth-first failure links folded into a full
// transition table (a DFA), so scanning never follows a failure chain.
#include "rules/keyword_automaton.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <limits>

#include "rules/ascii_case.hpp"

namespace m365::rules_impl {

void keyword_automaton::build(const std::vector<std::pair<std::string, uint32_t>>& keywords) {
  class_of_.fill(0);
  classes_ = 1;
  next_.clear();
  overlap_ = 0;
  out_begin_.clear();
  out_ids_.clear();
  if (keywords.empty())
    return;
  for (const auto& kw : keywords)
    for (unsigned char b : kw.first)
      if (class_of_[b] == 0)
        class_of_[b] = static_cast<uint8_t>(classes_++);
  for (int c = 'A'; c <= 'Z'; ++c)
    class_of_[c] = class_of_[static_cast<unsigned char>(fold_ascii(static_cast<char>(c)))];
  // 255 distinct bytes at most besides class 0: fits in uint8_t.

  constexpr uint32_t none = std::numeric_limits<uint32_t>::max();
  next_.assign(classes_, none);
  std::vector<std::vector<uint32_t>> outputs(1);
  for (const auto& [word, id] : keywords) {
    uint32_t state = 0;
    for (unsigned char b : word) {
      auto& slot = next_[state * classes_ + class_of_[b]];
      if (slot == none) {
        slot = static_cast<uint32_t>(outputs.size());
        outputs.emplace_back();
        next_.resize(next_.size() + classes_, none);
      }
      state = next_[state * classes_ + class_of_[b]];
    }
    outputs[state].push_back(id);
  }

  std::vector<uint32_t> fail(outputs.size(), 0);
  std::deque<uint32_t> queue;
  for (uint32_t c = 0; c < classes_; ++c) {
    auto& slot = next_[c];
    if (slot == none) {
      slot = 0;
    } else {
      fail[slot] = 0;
      queue.push_back(slot);
    }
  }
  while (!queue.empty()) {
    uint32_t s = queue.front();
    queue.pop_front();
    auto& out = outputs[s];
    out.insert(out.end(), outputs[fail[s]].begin(), outputs[fail[s]].end());
    for (uint32_t c = 0; c < classes_; ++c) {
      auto& slot = next_[s * classes_ + c];
      uint32_t via_fail = next_[fail[s] * classes_ + c];
      if (slot == none) {
        slot = via_fail;
      } else {
        fail[slot] = via_fail;
        queue.push_back(slot);
      }
    }
  }

  // Rows instead of state numbers, and the output flag, so that a step needs no multiply.
  if (outputs.size() * classes_ >= output_flag)
    throw std::length_error("keyword automaton too large");
  for (auto& v : next_)
    v = v * classes_ | (outputs[v].empty() ? 0 : output_flag);
  size_t longest = 0;
  for (const auto& kw : keywords)
    longest = std::max(longest, kw.first.size());
  overlap_ = static_cast<uint32_t>(longest - 1);

  out_begin_.reserve(outputs.size() + 1);
  for (const auto& out : outputs) {
    out_begin_.push_back(static_cast<uint32_t>(out_ids_.size()));
    out_ids_.insert(out_ids_.end(), out.begin(), out.end());
  }
  out_begin_.push_back(static_cast<uint32_t>(out_ids_.size()));
}

} // namespace m365::rules_impl
