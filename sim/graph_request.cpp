#include "sim/graph_request.hpp"

#include "messages/ascii_case.hpp"
#include "sim/graph_error.hpp"

namespace m365::sim {

std::string preferences::applied() const {
    std::string s;
    if (page_size_given)
      s = "odata.maxpagesize=" + std::to_string(page_size);
    if (immutable_ids)
      s += std::string(s.empty() ? "" : ", ") + "IdType=\"ImmutableId\"";
    return s;
}

sim_response graph_error_response(unsigned status, std::string_view code, std::string_view message) {
  sim_response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = graph_error_body(code, message);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

bool iequals(std::string_view a, std::string_view b) { return ascii_iequal(a, b); }

preferences parse_prefer(std::string_view text) {
  preferences p;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view val = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (!val.empty() && val.front() == '"' && val.size() >= 2 && val.back() == '"')
      val = val.substr(1, val.size() - 2);
    if (iequals(key, "odata.maxpagesize")) {
      uint64_t n = 0;
      bool ok = !val.empty();
      for (char c : val)
        ok = ok && c >= '0' && c <= '9', n = n * 10 + static_cast<uint64_t>(c - '0');
      if (ok && n > 0) {
        p.page_size = static_cast<uint32_t>(std::min<uint64_t>(n, max_page_size));
        p.page_size_given = true;
      }
    } else if (iequals(key, "IdType") && iequals(val, "ImmutableId")) {
      p.immutable_ids = true;
    }
  }
  return p;
}

query_params parse_query(const boost::urls::url_view& u) {
  query_params q;
  for (auto p : u.params()) {
    std::string_view k = p.key;
    std::string v = p.has_value ? std::string(p.value) : std::string();
    if (iequals(k, "$select")) {
      q.select = v;
      q.has_select = true;
    } else if (iequals(k, "$skiptoken")) q.skiptoken = v;
    else if (iequals(k, "$deltatoken")) q.deltatoken = v;
    else if (iequals(k, "changeType")) q.change_type = v;
    else if (iequals(k, "startDateTime")) q.start = v;
    else if (iequals(k, "endDateTime")) q.end = v;
    else if (iequals(k, "$top")) q.top = v;
  }
  return q;
}

/// Standard response headers of a Graph JSON answer.
void finish_response(sim_response& r, const preferences* prefs) {
  r.headers.emplace_back("OData-Version", "4.0");
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (prefs) {
    std::string applied = prefs->applied();
    if (!applied.empty())
      r.headers.emplace_back("Preference-Applied", applied);
  }
}

std::string user_link_base(const graph_scope& s) {
  return s.w.graph_url() + "/users/" + s.user.id;
}

} // namespace m365::sim
