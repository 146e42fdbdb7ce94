// Ownership: value type and inline helpers; safe from any thread. A problem found in a rule,
// tied to where it is: the one currency of rule decoding and validation, so that a config file
// (which prefixes "rules[2].") and an API body (which answers them as they are) report the same
// problems at the same paths.
#pragma once

#include <string>
#include <vector>

#include "messages/status.hpp"

namespace m365 {

struct rule_problem {
  /// JSON path relative to the rule object: "priority", "match.any[0].subject_regex"; empty
  /// for the rule as a whole.
  std::string path;
  /// What is wrong, e.g. "must be an integer between -2147483648 and 2147483647 (got 1.5)".
  std::string what;
};

/// "<path>: <what>", or just <what> when the path is empty.
inline std::string to_string(const rule_problem& p) {
  return p.path.empty() ? p.what : p.path + ": " + p.what;
}

/// ok when there is no problem, else invalid_argument with one problem per line.
inline status to_status(const std::vector<rule_problem>& problems) {
  if (problems.empty())
    return status::ok();
  std::string message;
  for (const auto& p : problems) {
    if (!message.empty())
      message += '\n';
    message += to_string(p);
  }
  return status::invalid_argument(std::move(message));
}

} // namespace m365
