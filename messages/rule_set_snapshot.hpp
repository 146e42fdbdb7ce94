// Ownership: a snapshot shares (never copies) one immutable compiled rule set; any number of
// actors may hold the same one and evaluate with it from their own threads at once (every const
// member of compiled_rule_set is thread-safe). The rule evaluator makes them; mailbox and
// calendar actors receive them (rule_set_subscriber in interfaces.hpp).
//
// Local only: the set crosses actor boundaries by pointer, which CAF allows for this type
// alone (CAF_ALLOW_UNSAFE_MESSAGE_TYPE in type_ids.hpp). It is never serialized: CAF's
// serializers skip an unsafe type's value, so a snapshot sent to another node would arrive
// without its set. Nothing publishes the rule evaluator or the stream actors over caf::io; a
// scale-out (design.md section 9) sends rule changes to worker nodes as the rules themselves
// and compiles them there.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace m365 {

class compiled_rule_set;  // rules/compiled_rule_set.hpp: messages/ stays free of rules/

struct rule_set_snapshot {
  /// Never null in a snapshot the evaluator sent (the empty set includes everything).
  std::shared_ptr<const compiled_rule_set> rules;
  /// 1 for the set the evaluator started with, +1 for every published change.
  uint64_t generation = 0;
};

/// "rule_set_snapshot(generation N)": what CAF prints for it in logs and errors.
std::string to_string(const rule_set_snapshot& x);

} // namespace m365
