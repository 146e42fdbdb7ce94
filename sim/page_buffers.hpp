// Ownership: per-thread free list (thread_local), no locking. Reuses the multi-megabyte strings
// that page bodies are built in: a connection hands its written body back, the next page on the
// same thread takes it, so big pages cost no malloc/free and no fresh page faults.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace m365::sim::page_buffers {

/// Keep at most this many spare buffers per thread, none above this capacity.
inline constexpr size_t max_spares = 4;
inline constexpr size_t max_capacity = 64u << 20;

inline std::vector<std::string>& spares() {
  thread_local std::vector<std::string> list;
  return list;
}

/// An empty string, with the capacity of a previous page when one is spare.
inline std::string take() {
  auto& list = spares();
  if (list.empty())
    return {};
  std::string s = std::move(list.back());
  list.pop_back();
  s.clear();
  return s;
}

/// Hands a written body back for reuse.
inline void give(std::string&& s) {
  auto& list = spares();
  if (s.capacity() < 64 * 1024 || s.capacity() > max_capacity || list.size() >= max_spares)
    return;
  list.push_back(std::move(s));
}

} // namespace m365::sim::page_buffers
