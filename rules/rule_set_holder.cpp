// Atomic swap of the compiled rule set (C++17 atomic free functions on shared_ptr).
#include "rules/rule_set_holder.hpp"

#include <atomic>

namespace m365 {

rule_set_holder::rule_set_holder() : current_(compiled_rule_set::empty_set()) {}

rule_set_holder::rule_set_holder(std::shared_ptr<const compiled_rule_set> initial)
  : current_(initial ? std::move(initial) : compiled_rule_set::empty_set()) {}

std::shared_ptr<const compiled_rule_set> rule_set_holder::load() const noexcept {
  return std::atomic_load_explicit(&current_, std::memory_order_acquire);
}

void rule_set_holder::store(std::shared_ptr<const compiled_rule_set> next) noexcept {
  if (!next)
    next = compiled_rule_set::empty_set();
  std::atomic_store_explicit(&current_, std::move(next), std::memory_order_release);
}

status rule_set_holder::replace(std::vector<rule> rules) {
  auto next = compiled_rule_set::compile(std::move(rules));
  if (!next)
    return next.error();
  store(std::move(*next));
  return status::ok();
}

} // namespace m365
