#include "tests/sim/json_shape.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace m365::sim::testing {

namespace {

std::string kind_of(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "bool";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "?";
}

void walk(const boost::json::value& sim, const boost::json::value& fix, const std::string& path,
          const shape_rules& rules, std::vector<std::string>& out) {
  if (rules.any_type.count(path))
    return;
  std::string ks = kind_of(sim), kf = kind_of(fix);
  // null in a fixture means "no value here"; any type is fine in the sim (and vice versa for
  // nullable properties that the sim leaves null).
  if (kf == "null" || ks == "null")
    return;
  if (ks != kf) {
    out.push_back("type of " + (path.empty() ? std::string("<root>") : path) + ": sim " + ks + ", fixture " + kf);
    return;
  }
  if (kf == "object") {
    auto& so = sim.as_object();
    for (auto& kv : fix.as_object()) {
      std::string p = path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
      auto* sv = so.if_contains(kv.key());
      if (!sv) {
        if (!rules.optional.count(p))
          out.push_back("missing key " + p);
        continue;
      }
      walk(*sv, kv.value(), p, rules, out);
    }
  } else if (kf == "array") {
    auto& sa = sim.as_array();
    auto& fa = fix.as_array();
    if (fa.empty())
      return;
    std::string p = path + "[]";
    for (auto& s : sa) {
      std::vector<std::string> best;
      bool first = true;
      for (auto& f : fa) {
        std::vector<std::string> probs;
        walk(s, f, p, rules, probs);
        if (first || probs.size() < best.size()) {
          best = std::move(probs);
          first = false;
        }
        if (best.empty())
          break;
      }
      out.insert(out.end(), best.begin(), best.end());
    }
  }
}

} // namespace

std::vector<std::string> shape_problems(const boost::json::value& sim, const boost::json::value& fixture,
                                        const shape_rules& rules) {
  std::vector<std::string> out;
  walk(sim, fixture, "", rules, out);
  return out;
}

std::string shape_report(const boost::json::value& sim, const boost::json::value& fixture, const shape_rules& rules) {
  std::string s;
  for (auto& p : shape_problems(sim, fixture, rules))
    s += p + "\n";
  return s;
}

boost::json::value load_fixture(const std::string& name) {
  const char* dir = std::getenv("M365_FIXTURES");
  std::string path = std::string(dir ? dir : "tests/fixtures") + "/graph/" + name;
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("fixture not found: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return boost::json::parse(ss.str());
}

} // namespace m365::sim::testing
