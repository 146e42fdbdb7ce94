// Ownership: owns a shared_ptr to the current compiled set. load() and store() are safe from any
// number of threads at once (atomic shared_ptr operations); a reader keeps the set it loaded
// alive for as long as it holds the pointer, so a swap never invalidates an evaluation in flight.
#pragma once

#include <memory>
#include <vector>

#include "messages/rule.hpp"
#include "messages/status.hpp"
#include "rules/compiled_rule_set.hpp"

namespace m365 {

/// The hot-reload point: the engine loads the current set once per page and evaluates with it;
/// the admin path compiles a new set and stores it (rule changes apply to the next page at once).
class rule_set_holder {
public:
  /// Starts with the empty set (everything included), so load() never returns null.
  rule_set_holder();
  explicit rule_set_holder(std::shared_ptr<const compiled_rule_set> initial);

  rule_set_holder(const rule_set_holder&) = delete;
  rule_set_holder& operator=(const rule_set_holder&) = delete;

  /// The current set.
  std::shared_ptr<const compiled_rule_set> load() const noexcept;

  /// Makes `next` current; null stores the empty set.
  void store(std::shared_ptr<const compiled_rule_set> next) noexcept;

  /// Compiles `rules` and stores the result. On failure the current set stays in place and the
  /// compile error is returned.
  status replace(std::vector<rule> rules);

private:
  std::shared_ptr<const compiled_rule_set> current_;
};

} // namespace m365
