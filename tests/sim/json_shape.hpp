// Ownership: pure functions, thread-safe. The "same shape" check between a simulator body and a
// Microsoft-documented fixture: recursively, every fixture key must be present in the sim body
// with the same JSON type (numbers of any kind are one type). Array elements of the sim body are
// matched against the fixture element they fit best (a page mixes items and @removed entries).
#pragma once

#include <boost/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace m365::sim::testing {

struct shape_rules {
  /// Paths (e.g. `value[].location.address`) that the fixture shows but Graph omits at times.
  std::set<std::string> optional;
  /// Paths whose JSON type may differ (documented quirks, e.g. `value[].isRead` "true").
  std::set<std::string> any_type;
};

/// Problems found, one line each ("missing key value[].sender", "type of id: string vs number").
std::vector<std::string> shape_problems(const boost::json::value& sim, const boost::json::value& fixture,
                                        const shape_rules& rules = {});

/// The problems joined one per line; "" when the shapes agree (reads well in a failed CHECK).
std::string shape_report(const boost::json::value& sim, const boost::json::value& fixture, const shape_rules& rules = {});

/// Reads tests/fixtures/graph/<name> (directory from $M365_FIXTURES).
boost::json::value load_fixture(const std::string& name);

} // namespace m365::sim::testing
