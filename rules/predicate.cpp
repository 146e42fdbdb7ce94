// Parsing and validation of match trees (Boost.JSON in, predicate_node out).
#include "rules/predicate.hpp"

#include <boost/json.hpp>
#include <re2/re2.h>

#include "rules/ascii_case.hpp"
#include "rules/error_text.hpp"

namespace m365 {

namespace {

using rules_impl::quoted;

namespace json = boost::json;

/// A problem of the node at `path`; the parser keeps path and text apart for the caller.
struct problem {
  std::string path;
  std::string what;
};

std::string allowed_list(const char* const* allowed) {
  std::string out;
  for (auto p = allowed; *p != nullptr; ++p) {
    if (!out.empty())
      out += ", ";
    out += *p;
  }
  return out;
}

bool has_space(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
      return true;
  return false;
}

/// Checks one listed value of a leaf; the problem text, empty when the value is fine.
std::string check_value(const predicate_field_info& info, const std::string& raw) {
  if (raw.empty())
    return "must not be empty";
  switch (info.kind) {
    case predicate_value_kind::address: {
      auto at = raw.rfind('@');
      if (at == std::string::npos || at == 0 || at + 1 == raw.size() || has_space(raw))
        return quoted(raw) + " is not an e-mail address";
      break;
    }
    case predicate_value_kind::domain:
      if (raw.find('@') != std::string::npos || has_space(raw)) {
        std::string hint = info.field == predicate_field::sender_domain ? "sender_address"
                           : info.field == predicate_field::recipient_domain
                             ? "recipient_address"
                             : "participant_address";
        return quoted(raw) + " is not a domain (use " + hint + " for addresses)";
      }
      break;
    case predicate_value_kind::enumeration: {
      auto value = rules_impl::folded(raw);
      bool ok = false;
      for (auto p = info.allowed; *p != nullptr && !ok; ++p)
        ok = value == *p;
      if (!ok)
        return quoted(raw) + " is not one of " + allowed_list(info.allowed);
      break;
    }
    case predicate_value_kind::regex: {
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(raw, options);
      if (!re.ok())
        return "invalid regex: " + re.error();
      break;
    }
    case predicate_value_kind::keyword:
    case predicate_value_kind::name:
    case predicate_value_kind::boolean:
      break;
  }
  return {};
}

class parser {
public:
  /// The problem that stopped the parse (valid after a failed object()).
  const problem& error() const noexcept { return error_; }

  expected<predicate_node> object(const json::object& obj, const std::string& path, int depth) {
    if (depth > max_predicate_depth)
      return fail(path, "nesting deeper than " + std::to_string(max_predicate_depth) + " levels");
    if (obj.empty())
      return fail(path, "empty predicate (write {\"all\": []} to match every item)");
    if (obj.size() == 1) {
      const auto& kv = *obj.begin();
      return key(kv.key(), kv.value(), path + "." + std::string(kv.key()), depth);
    }
    predicate_node conj;
    conj.op = predicate_op::all;
    conj.path = path;
    for (const auto& kv : obj) {
      auto child = key(kv.key(), kv.value(), path + "." + std::string(kv.key()), depth);
      if (!child)
        return child.error();
      conj.children.push_back(std::move(*child));
    }
    return conj;
  }

private:
  expected<predicate_node> key(std::string_view name, const json::value& value,
                               const std::string& path, int depth) {
    if (name == "all" || name == "any")
      return list(name == "all" ? predicate_op::all : predicate_op::any, value, path, depth);
    if (name == "not") {
      if (!value.is_object())
        return fail(path, "must be a predicate object");
      auto child = object(value.get_object(), path, depth + 1);
      if (!child)
        return child;
      predicate_node node;
      node.op = predicate_op::negate;
      node.path = path;
      node.children.push_back(std::move(*child));
      return node;
    }
    const auto* info = find_predicate_field(name);
    if (info == nullptr)
      return fail(path, "unknown predicate key " + quoted(name) + " (valid keys: "
                          + predicate_key_list() + ")");
    return leaf(*info, value, path);
  }

  expected<predicate_node> list(predicate_op op, const json::value& value,
                                const std::string& path, int depth) {
    if (!value.is_array())
      return fail(path, "must be a list of predicate objects");
    const auto& arr = value.get_array();
    if (arr.empty() && op == predicate_op::any)
      return fail(path, "must not be empty (an empty any never matches)");
    predicate_node node;
    node.op = op;
    node.path = path;
    for (size_t i = 0; i < arr.size(); ++i) {
      auto where = path + "[" + std::to_string(i) + "]";
      if (!arr[i].is_object())
        return fail(where, "must be a predicate object");
      auto child = object(arr[i].get_object(), where, depth + 1);
      if (!child)
        return child;
      node.children.push_back(std::move(*child));
    }
    return node;
  }

  expected<predicate_node> leaf(const predicate_field_info& info, const json::value& value,
                                const std::string& path) {
    predicate_node node;
    node.op = predicate_op::leaf;
    node.field = info.field;
    node.path = path;
    if (info.kind == predicate_value_kind::boolean) {
      if (!value.is_bool())
        return fail(path, "must be true or false");
      node.flag = value.get_bool();
      return node;
    }
    auto add = [&](const json::value& v, const std::string& where) -> status {
      if (!v.is_string())
        return fail(where, "must be a string");
      std::string raw(v.get_string().data(), v.get_string().size());
      if (auto what = check_value(info, raw); !what.empty())
        return fail(where, what);
      node.values.push_back(info.kind == predicate_value_kind::regex ? raw
                                                                    : rules_impl::folded(raw));
      return status::ok();
    };
    if (value.is_string()) {
      if (auto st = add(value, path); !st)
        return st;
      return node;
    }
    if (!value.is_array())
      return fail(path, "must be a string or a list of strings");
    const auto& arr = value.get_array();
    if (arr.empty())
      return fail(path, "must not be an empty list");
    for (size_t i = 0; i < arr.size(); ++i)
      if (auto st = add(arr[i], path + "[" + std::to_string(i) + "]"); !st)
        return st;
    return node;
  }

  status fail(const std::string& path, const std::string& what) {
    error_ = {path, what};
    return status::invalid_argument(path + ": " + what);
  }

  problem error_;
};

} // namespace

expected<predicate_node> parse_predicate(std::string_view match_json, predicate_error* error) {
  auto failed = [error](const std::string& path, const std::string& what) -> status {
    if (error != nullptr)
      *error = {path, what};
    return status::invalid_argument(path + ": " + what);
  };
  if (match_json.size() > max_predicate_bytes)
    return failed("match", "larger than " + std::to_string(max_predicate_bytes) + " bytes");
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = json_depth_limit;  // our own limit below gives the better message
  auto value =
    json::parse(json::string_view(match_json.data(), match_json.size()), ec, {}, options);
  if (ec)
    return failed("match", "invalid JSON: " + ec.message());
  if (!value.is_object())
    return failed("match", "must be a predicate object");
  try {
    parser p;
    auto tree = p.object(value.get_object(), "match", 1);
    if (!tree && error != nullptr)
      *error = {p.error().path, p.error().what};
    return tree;
  } catch (const std::exception& e) {
    // Only allocation failure can get here; nothing throws across the rules API.
    if (error != nullptr)
      *error = {"match", e.what()};
    return status::internal(std::string("match: ") + e.what());
  }
}

} // namespace m365
