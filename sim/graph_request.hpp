// Ownership: value types and stateless helpers shared by the Graph route handlers; thread-safe.
// What a Graph request carries (Prefer, query options) and the per-request context a
// mailbox-scoped handler works in.
#pragma once

#include <boost/url/url_view.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_profile.hpp"
#include "sim/graph_api.hpp"
#include "sim/sim_response.hpp"
#include "sim/world.hpp"

namespace m365::sim {

inline constexpr uint32_t default_page_size = 10;
inline constexpr uint32_t max_page_size = 1000;

/// Parsed Prefer header.
struct preferences {
  uint32_t page_size = default_page_size;
  bool page_size_given = false;
  bool immutable_ids = false;
  /// The `Preference-Applied` header value ("" when nothing was applied).
  std::string applied() const;
};

/// Reads every Prefer header (comma-joined): odata.maxpagesize (capped at 1000), IdType.
preferences parse_prefer(std::string_view text);

/// Query parameters we understand, decoded; names matched case-insensitively.
struct query_params {
  std::string select, skiptoken, deltatoken, change_type, start, end, top;
  bool has_select = false;
};

query_params parse_query(const boost::urls::url_view& u);

/// Everything a mailbox-scoped handler needs.
struct graph_scope {
  world& w;
  const user_info& user;
  const tenant_info& tenant;
  const graph_call& call;
  const boost::urls::url_view& url;
  const query_params& query;
  const preferences& prefs;
  const fault_decision& fault;
  std::vector<std::string_view> rest; ///< path segments after users/{u}
};

/// A Graph error answer: {"error":{"code","message","innerError":{…}}}.
sim_response graph_error_response(unsigned status, std::string_view code, std::string_view message);

/// Adds the standard headers of a Graph JSON answer (and Preference-Applied when `prefs`).
void finish_response(sim_response& r, const preferences* prefs);

/// ASCII case-insensitive equality (Graph path segments and query names are case-insensitive).
bool iequals(std::string_view a, std::string_view b);

/// `{graph}/users/{object id}`: the base of the links the simulator hands out.
std::string user_link_base(const graph_scope& s);

} // namespace m365::sim
