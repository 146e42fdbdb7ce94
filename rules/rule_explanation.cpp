// Rendering of explanations as text (CLI, logs) and JSON (the rules:explain route).
#include "rules/rule_explanation.hpp"

#include <boost/json.hpp>

namespace m365 {

std::string explanation_text(const rule_explanation& x) {
  const auto& tried = x.tried;
  const auto& decision = x.decision;
  std::string out;
  const tried_rule* previous = nullptr;
  for (const auto& t : tried) {
    if (previous == nullptr || previous->level != t.level || previous->scope != t.scope) {
      out += to_string(t.level);
      if (!t.scope.empty()) {
        out += ' ';
        out += t.scope;
      }
      out += ":\n";
    }
    previous = &t;
    out += "  " + t.id + " (v" + std::to_string(t.version) + ", priority "
           + std::to_string(t.priority) + ", " + to_string(t.action) + "): "
           + to_string(t.outcome);
    if (!t.true_leaves.empty()) {
      out += t.outcome == rule_outcome::matched ? " by " : "; true leaves: ";
      for (size_t i = 0; i < t.true_leaves.size(); ++i)
        out += (i ? ", " : "") + t.true_leaves[i];
    }
    out += '\n';
  }
  if (decision.rule_id.empty())
    out += "decision: include (default: no rule matched)\n";
  else
    out += std::string("decision: ") + to_string(decision.action) + " by rule " + decision.rule_id
           + " v" + std::to_string(decision.rule_version) + "\n";
  return out;
}

std::string explanation_json(const rule_explanation& x) {
  const auto& tried = x.tried;
  const auto& decision = x.decision;
  namespace json = boost::json;
  json::array rules;
  for (const auto& t : tried) {
    json::array leaves;
    for (const auto& leaf : t.true_leaves)
      leaves.emplace_back(leaf);
    rules.emplace_back(json::object{{"id", t.id},
                                    {"version", t.version},
                                    {"level", to_string(t.level)},
                                    {"scope", t.scope},
                                    {"priority", t.priority},
                                    {"action", to_string(t.action)},
                                    {"outcome", to_string(t.outcome)},
                                    {"true_leaves", std::move(leaves)}});
  }
  json::object decided{{"action", to_string(decision.action)},
                       {"rule_id", decision.rule_id},
                       {"rule_version", decision.rule_version},
                       {"default", decision.rule_id.empty()}};
  json::object root{{"item_kind", x.item_kind},
                    {"tried", std::move(rules)},
                    {"decision", std::move(decided)}};
  return json::serialize(root);
}

} // namespace m365
