// Rule <-> JSON, with field-named errors.
#include "rules/rule_json.hpp"

#include <limits>

#include <boost/json.hpp>

#include "rules/error_text.hpp"
#include "rules/predicate.hpp"
#include "rules/rule_validation.hpp"

namespace m365 {

namespace {

namespace json = boost::json;

const char* const rule_fields =
  "id, level, scope, applies_to, action, priority, enabled, note, version, match";

status fail(const std::string& field, const std::string& what) {
  return status::invalid_argument(field + ": " + what);
}

status get_string(const json::value& v, const char* field, std::string& out) {
  if (!v.is_string())
    return fail(field, "must be a string");
  out.assign(v.get_string().data(), v.get_string().size());
  return status::ok();
}

status get_int(const json::value& v, const char* field, int64_t low, int64_t high,
               int64_t& out) {
  if (v.is_int64())
    out = v.get_int64();
  else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(high))
    out = static_cast<int64_t>(v.get_uint64());
  else
    return fail(field, "must be an integer");
  if (out < low || out > high)
    return fail(field, "must be between " + std::to_string(low) + " and " + std::to_string(high));
  return status::ok();
}

template <class Enum, size_t N>
status get_enum(const json::value& v, const char* field, const char* const (&names)[N],
                const Enum (&values)[N], Enum& out) {
  std::string s;
  if (auto st = get_string(v, field, s); !st)
    return st;
  std::string list;
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      out = values[i];
      return status::ok();
    }
    list += (i ? ", " : "") + std::string(names[i]);
  }
  return fail(field, rules_impl::quoted(s) + " is not one of " + list);
}

} // namespace

expected<rule> rule_from_json(const json::object& object, const rule* base) {
  rule r = base != nullptr ? *base : rule{};
  if (base == nullptr)
    for (const char* required : {"id", "level", "action", "match"})
      if (!object.contains(required))
        return fail(required, "is required");
  for (const auto& kv : object) {
    std::string key(kv.key());
    const auto& v = kv.value();
    status st;
    if (key == "id") {
      st = get_string(v, "id", r.id);
    } else if (key == "level") {
      static const char* const names[] = {"org", "tenant", "user"};
      static const rule_level values[] = {rule_level::org, rule_level::tenant, rule_level::user};
      st = get_enum(v, "level", names, values, r.level);
    } else if (key == "scope") {
      if (v.is_null())
        r.scope.clear();
      else
        st = get_string(v, "scope", r.scope);
    } else if (key == "applies_to") {
      static const char* const names[] = {"email", "event", "both"};
      static const rule_target values[] = {rule_target::email, rule_target::event,
                                           rule_target::both};
      st = get_enum(v, "applies_to", names, values, r.applies_to);
    } else if (key == "action") {
      static const char* const names[] = {"include", "exclude"};
      static const rule_action values[] = {rule_action::include, rule_action::exclude};
      st = get_enum(v, "action", names, values, r.action);
    } else if (key == "priority") {
      int64_t p = 0;
      st = get_int(v, "priority", std::numeric_limits<int32_t>::min(),
                   std::numeric_limits<int32_t>::max(), p);
      r.priority = static_cast<int32_t>(p);
    } else if (key == "enabled") {
      if (!v.is_bool())
        st = fail("enabled", "must be true or false");
      else
        r.enabled = v.get_bool();
    } else if (key == "note") {
      st = get_string(v, "note", r.note);
    } else if (key == "version") {
      int64_t n = 0;
      st = get_int(v, "version", 1, std::numeric_limits<uint32_t>::max(), n);
      r.version = static_cast<uint32_t>(n);
    } else if (key == "match") {
      if (!v.is_object())
        st = fail("match", "must be a predicate object");
      else
        r.match = json::serialize(v);
    } else {
      auto shown = rules_impl::quoted(key);  // bounded: the key is user text
      st = fail(shown.substr(1, shown.size() - 2),
                std::string("unknown field (valid fields: ") + rule_fields + ")");
    }
    if (!st)
      return st;
  }
  if (auto st = check_rule_shape(r); !st)
    return st;
  return r;
}

expected<rule> rule_from_json(std::string_view text, const rule* base) {
  boost::system::error_code ec;
  json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  options.max_depth = json_depth_limit + 1;
  auto value = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec)
    return status::invalid_argument("rule: invalid JSON: " + ec.message());
  if (!value.is_object())
    return status::invalid_argument("rule: must be a JSON object");
  try {
    return rule_from_json(value.get_object(), base);
  } catch (const std::exception& e) {
    return status::internal(std::string("rule: ") + e.what());
  }
}

json::object rule_to_json(const rule& r) {
  json::object out{{"id", r.id},
                   {"level", to_string(r.level)},
                   {"scope", r.scope},
                   {"applies_to", to_string(r.applies_to)},
                   {"action", to_string(r.action)},
                   {"priority", r.priority},
                   {"enabled", r.enabled},
                   {"note", r.note},
                   {"version", r.version}};
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = json_depth_limit;
  auto match = json::parse(r.match, ec, {}, options);
  out["match"] = ec ? json::value(r.match) : std::move(match);
  return out;
}

} // namespace m365
