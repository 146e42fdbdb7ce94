// Ownership: a value owned by one config load; not thread-safe (one loader, one thread).
// Collects every problem of a config document so the operator sees all of them at once.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "messages/status.hpp"

namespace m365 {

/// The problems found while reading one document, each tied to the JSON path it is about
/// (`tenants[1].schedule.email_interval_s`). Messages never carry a secret's value: callers
/// describe secrets by their type or length only.
class problem_list {
public:
  /// Records "<path>: <what>" (just <what> when `path` is empty).
  void add(const std::string& path, const std::string& what);

  bool empty() const noexcept { return lines_.empty(); }
  size_t size() const noexcept { return lines_.size(); }
  const std::vector<std::string>& lines() const noexcept { return lines_; }

  /// One invalid_argument status whose message is a headline naming `source` and the number of
  /// problems, followed by one problem per line. Precondition: `!empty()`.
  status to_status(const std::string& source) const;

private:
  std::vector<std::string> lines_;
};

} // namespace m365
