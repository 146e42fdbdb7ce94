// Ownership: value types. The decision of the rule evaluator about one item.
#pragma once

#include <cstdint>
#include <string>


namespace m365 {

enum class rule_action : uint8_t { include = 0, exclude = 1 };

/// Which rule decided an item; an empty rule id means "no rule matched, included by default".
struct verdict {
  rule_action action = rule_action::include;
  std::string rule_id;
  uint32_t rule_version = 0;
  friend bool operator==(const verdict& a, const verdict& b) {
    return a.action == b.action && a.rule_id == b.rule_id && a.rule_version == b.rule_version;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verdict& x) {
  return f(x.action, x.rule_id, x.rule_version);
}

} // namespace m365
