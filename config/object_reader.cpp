// Typed member reads with full-path problems, and the unknown-key check.
#include "config/object_reader.hpp"

#include <algorithm>
#include <limits>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace m365 {

namespace {

/// Edit distance, for "did you mean" on unknown keys; keys are short, O(n*m) is fine.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The value of an integral JSON number, or false for anything else (2.5, "3", true).
bool as_integer(const boost::json::value& v, int64_t& out) {
  if (v.is_int64()) {
    out = v.get_int64();
    return true;
  }
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      out = std::numeric_limits<int64_t>::max();
    } else {
      out = static_cast<int64_t>(v.get_uint64());
    }
    return true;
  }
  return false;
}

std::string describe_number(const boost::json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    std::string s = std::to_string(v.get_double());
    // std::to_string prints six decimals; trim the zeros for a readable "2.5".
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  return object_reader::describe_type(v);
}

} // namespace

object_reader::object_reader(const boost::json::object& object, std::string path,
                             problem_list& problems)
  : object_(object), path_(std::move(path)), problems_(problems) {
}

std::string object_reader::path_of(std::string_view key) const {
  if (path_.empty()) return std::string{key};
  std::string out = path_;
  out += '.';
  out += key;
  return out;
}

const boost::json::value* object_reader::find(std::string_view key, presence p) {
  known_.emplace_back(key);
  auto* v = object_.if_contains(key);
  if (v != nullptr && !v->is_null()) return v;
  if (p == presence::required) problems_.add(path_of(key), "is required");
  return nullptr;
}

bool object_reader::read_string(std::string_view key, std::string& out, presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return false;
  if (!v->is_string()) {
    problems_.add(path_of(key), std::string{"must be a string (got "} + describe_type(*v) + ")");
    return false;
  }
  if (v->get_string().empty()) {
    problems_.add(path_of(key), "must not be empty");
    return false;
  }
  out.assign(v->get_string().data(), v->get_string().size());
  return true;
}

bool object_reader::read_bool(std::string_view key, bool& out, presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return false;
  if (!v->is_bool()) {
    problems_.add(path_of(key), std::string{"must be true or false (got "} + describe_type(*v)
                                  + ")");
    return false;
  }
  out = v->get_bool();
  return true;
}

bool object_reader::read_uint32(std::string_view key, uint32_t& out, uint32_t min, uint32_t max,
                                presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return false;
  int64_t n = 0;
  if (!as_integer(*v, n) || n < static_cast<int64_t>(min) || n > static_cast<int64_t>(max)) {
    std::string range = "must be an integer >= " + std::to_string(min);
    if (max != std::numeric_limits<uint32_t>::max()) range += " and <= " + std::to_string(max);
    problems_.add(path_of(key), range + " (got " + describe_number(*v) + ")");
    return false;
  }
  out = static_cast<uint32_t>(n);
  return true;
}

bool object_reader::read_int32(std::string_view key, int32_t& out, presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return false;
  int64_t n = 0;
  if (!as_integer(*v, n) || n < std::numeric_limits<int32_t>::min()
      || n > std::numeric_limits<int32_t>::max()) {
    problems_.add(path_of(key), "must be an integer between -2147483648 and 2147483647 (got "
                                  + describe_number(*v) + ")");
    return false;
  }
  out = static_cast<int32_t>(n);
  return true;
}

bool object_reader::read_string_list(std::string_view key, std::vector<std::string>& out,
                                     presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return false;
  if (!v->is_array()) {
    problems_.add(path_of(key), std::string{"must be a list of strings (got "} + describe_type(*v)
                                  + ")");
    return false;
  }
  std::vector<std::string> items;
  bool ok = true;
  const auto& array = v->get_array();
  for (size_t i = 0; i < array.size(); ++i) {
    std::string item_path = path_of(key) + "[" + std::to_string(i) + "]";
    if (!array[i].is_string()) {
      problems_.add(item_path, std::string{"must be a string (got "} + describe_type(array[i])
                                 + ")");
      ok = false;
    } else if (array[i].get_string().empty()) {
      problems_.add(item_path, "must not be empty");
      ok = false;
    } else {
      items.emplace_back(array[i].get_string().data(), array[i].get_string().size());
    }
  }
  if (ok) out = std::move(items);
  return ok;
}

const boost::json::object* object_reader::read_object(std::string_view key, presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    problems_.add(path_of(key), std::string{"must be an object (got "} + describe_type(*v) + ")");
    return nullptr;
  }
  return &v->get_object();
}

const boost::json::array* object_reader::read_array(std::string_view key, presence p) {
  auto* v = find(key, p);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    problems_.add(path_of(key), std::string{"must be a list (got "} + describe_type(*v) + ")");
    return nullptr;
  }
  return &v->get_array();
}

void object_reader::report_unknown_keys() {
  for (const auto& member : object_) {
    std::string_view key{member.key().data(), member.key().size()};
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string what = "unknown key";
    const std::string* closest = nullptr;
    size_t best = 3;  // suggest only near misses (a typo, not a different word)
    for (const auto& candidate : known_) {
      size_t d = edit_distance(key, candidate);
      if (d < best) {
        best = d;
        closest = &candidate;
      }
    }
    if (closest != nullptr) what += " (did you mean '" + *closest + "'?)";
    problems_.add(path_of(key), what);
  }
}

const char* object_reader::describe_type(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "a list";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

} // namespace m365
