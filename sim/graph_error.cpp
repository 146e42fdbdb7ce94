#include "sim/graph_error.hpp"

#include <atomic>

#include "sim/dataset.hpp"
#include "sim/json_text.hpp"
#include "sim/seed_hash.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

std::string request_id() {
  static std::atomic<uint64_t> n{0};
  uint64_t k = n.fetch_add(1);
  return guid_from(hash_of({k, 0xE1}), hash_of({k, 0xE2}));
}

} // namespace

std::string graph_error_body(std::string_view code, std::string_view message) {
  std::string out = "{\"error\":{";
  json::append_member(out, "code", code);
  out.push_back(',');
  json::append_member(out, "message", message);
  out.append(",\"innerError\":{");
  json::append_member(out, "date", format_error_date(unix_now()));
  out.push_back(',');
  std::string rid = request_id();
  json::append_member(out, "request-id", rid);
  out.push_back(',');
  json::append_member(out, "client-request-id", rid);
  out.append("}}}");
  return out;
}

std::string graph_throttled_body(std::string_view code, std::string_view message) {
  std::string out = "{\"error\":{";
  json::append_member(out, "code", code);
  out.append(",\"innerError\":{\"code\":\"429\",");
  json::append_member(out, "date", format_error_date(unix_now()));
  out.append(",\"message\":\"Please retry after\",");
  json::append_member(out, "request-id", request_id());
  out.append(",\"status\":\"429\"},");
  json::append_member(out, "message", message);
  out.append("}}");
  return out;
}

} // namespace m365::sim
