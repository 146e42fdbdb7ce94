// Rule <-> JSON, every problem named by its path.
#include "rules/rule_json.hpp"

#include <limits>

#include <boost/json.hpp>

#include "rules/error_text.hpp"
#include "rules/predicate.hpp"
#include "rules/rule_validation.hpp"

namespace m365 {

namespace {

namespace json = boost::json;

const char* const rule_keys =
  "id, level, scope, applies_to, action, priority, enabled, note, version, match";

/// "a string", "an integer", ...: used in "must be X (got Y)". Strings are never echoed here:
/// the same words as config/object_reader, whose documents may hold secrets.
const char* describe_type(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64: return "an integer";
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "a list";
    case json::kind::object: return "an object";
  }
  return "a value";
}

/// A number as the operator wrote it (2.5, 3000000000), anything else by its type.
std::string describe_number(const json::value& v) {
  if (v.is_int64())
    return std::to_string(v.get_int64());
  if (v.is_uint64())
    return std::to_string(v.get_uint64());
  if (v.is_double()) {
    std::string s = std::to_string(v.get_double());
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
      s.pop_back();
    return s;
  }
  return describe_type(v);
}

class decoder {
public:
  explicit decoder(std::vector<rule_problem>& problems) : problems_(problems) {}

  void add(const char* path, std::string what) { problems_.push_back({path, std::move(what)}); }

  bool string(const json::value& v, const char* key, std::string& out) {
    if (!v.is_string()) {
      add(key, std::string("must be a string (got ") + describe_type(v) + ")");
      return false;
    }
    out.assign(v.get_string().data(), v.get_string().size());
    return true;
  }

  bool integer(const json::value& v, const char* key, int64_t low, int64_t high, int64_t& out) {
    bool fits = false;
    if (v.is_int64()) {
      out = v.get_int64();
      fits = out >= low && out <= high;
    } else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(high)) {
      out = static_cast<int64_t>(v.get_uint64());
      fits = out >= low;
    }
    if (!fits)
      add(key, "must be an integer between " + std::to_string(low) + " and "
                 + std::to_string(high) + " (got " + describe_number(v) + ")");
    return fits;
  }

  template <class Enum, size_t N>
  bool choice(const json::value& v, const char* key, const char* const (&names)[N],
              const Enum (&values)[N], Enum& out) {
    std::string s;
    if (!string(v, key, s))
      return false;
    std::string list;
    for (size_t i = 0; i < N; ++i) {
      if (s == names[i]) {
        out = values[i];
        return true;
      }
      list += (i ? ", " : "") + std::string(names[i]);
    }
    add(key, "must be one of " + list + " (got " + rules_impl::quoted(s) + ")");
    return false;
  }

private:
  std::vector<rule_problem>& problems_;
};

} // namespace

rule decode_rule(const json::object& object, const rule* base,
                 std::vector<rule_problem>& problems) {
  rule r = base != nullptr ? *base : rule{};
  decoder d{problems};
  auto given = [&](const char* key) {
    auto* v = object.if_contains(key);
    return v != nullptr && !v->is_null();
  };
  if (base == nullptr)
    for (const char* required : {"id", "level", "action", "match"})
      if (!given(required))
        d.add(required, "is required");
  // Which fields decoded cleanly (or were not given): the shape checks below need them.
  bool id_ok = true;
  bool level_ok = true;
  bool scope_ok = true;
  bool match_ok = true;
  for (const auto& kv : object) {
    std::string_view key(kv.key().data(), kv.key().size());
    const auto& v = kv.value();
    // null clears these two, as "" does (rule_to_json writes "" for an org rule's scope).
    if (key == "scope") {
      if (v.is_null())
        r.scope.clear();
      else
        scope_ok = d.string(v, "scope", r.scope);
      continue;
    }
    if (key == "note") {
      if (v.is_null())
        r.note.clear();
      else
        d.string(v, "note", r.note);
      continue;
    }
    if (v.is_null())
      continue;  // absent: the default, or base's value
    if (key == "id") {
      id_ok = d.string(v, "id", r.id);
    } else if (key == "level") {
      static const char* const names[] = {"org", "tenant", "user"};
      static const rule_level values[] = {rule_level::org, rule_level::tenant, rule_level::user};
      level_ok = d.choice(v, "level", names, values, r.level);
    } else if (key == "applies_to") {
      static const char* const names[] = {"email", "event", "both"};
      static const rule_target values[] = {rule_target::email, rule_target::event,
                                           rule_target::both};
      d.choice(v, "applies_to", names, values, r.applies_to);
    } else if (key == "action") {
      static const char* const names[] = {"exclude", "include"};
      static const rule_action values[] = {rule_action::exclude, rule_action::include};
      d.choice(v, "action", names, values, r.action);
    } else if (key == "priority") {
      int64_t p = 0;
      if (d.integer(v, "priority", std::numeric_limits<int32_t>::min(),
                    std::numeric_limits<int32_t>::max(), p))
        r.priority = static_cast<int32_t>(p);
    } else if (key == "enabled") {
      if (v.is_bool())
        r.enabled = v.get_bool();
      else
        d.add("enabled", std::string("must be true or false (got ") + describe_type(v) + ")");
    } else if (key == "version") {
      int64_t n = 0;
      if (d.integer(v, "version", 1, std::numeric_limits<uint32_t>::max(), n))
        r.version = static_cast<uint32_t>(n);
    } else if (key == "match") {
      match_ok = v.is_object();
      if (match_ok)
        r.match = json::serialize(v);
      else
        d.add("match", std::string("must be a predicate object (got ") + describe_type(v) + ")");
    } else {
      auto shown = rules_impl::quoted(key);  // bounded: the key is user text
      problems.push_back({shown.substr(1, shown.size() - 2),
                          std::string("unknown key (valid keys: ") + rule_keys + ")"});
    }
  }
  if (id_ok && (base != nullptr || given("id")))
    check_rule_id(r.id, problems);
  if (level_ok && scope_ok && (base != nullptr || given("level")))
    check_rule_scope(r.level, r.scope, problems);
  if (match_ok && !r.match.empty())
    check_rule_match(r.match, problems);
  return r;
}

expected<rule> rule_from_json(const json::object& object, const rule* base) {
  std::vector<rule_problem> problems;
  auto r = decode_rule(object, base, problems);
  if (!problems.empty())
    return to_status(problems);
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
