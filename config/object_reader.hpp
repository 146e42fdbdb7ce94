// Ownership: a short-lived view over one JSON object of a config document; borrows the object
// and the problem_list, both of which must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "config/problem_list.hpp"

namespace m365 {

/// Whether a member must be present. A member whose value is `null` counts as absent.
enum class presence : uint8_t { optional, required };

/// Typed, path-aware reads of the members of one JSON object. Every read remembers the key so
/// that `report_unknown_keys()` can flag the members nobody asked for (typo protection). Wrong
/// types and out-of-range values become problems naming the member's full path; string values
/// are never echoed (one of them may be a secret), numbers are.
class object_reader {
public:
  object_reader(const boost::json::object& object, std::string path, problem_list& problems);

  /// "<path>.<key>", or just the key at the document root.
  std::string path_of(std::string_view key) const;
  const std::string& path() const noexcept { return path_; }
  problem_list& problems() noexcept { return problems_; }

  /// The member, or nullptr when absent or null (a problem when required).
  const boost::json::value* find(std::string_view key, presence p = presence::optional);

  /// Each read returns true when the member was present and valid (and `out` was written).
  bool read_string(std::string_view key, std::string& out, presence p = presence::optional);
  bool read_bool(std::string_view key, bool& out, presence p = presence::optional);
  bool read_uint32(std::string_view key, uint32_t& out, uint32_t min, uint32_t max,
                   presence p = presence::optional);
  bool read_int32(std::string_view key, int32_t& out, presence p = presence::optional);
  /// A list of non-empty strings.
  bool read_string_list(std::string_view key, std::vector<std::string>& out,
                        presence p = presence::optional);
  const boost::json::object* read_object(std::string_view key, presence p = presence::optional);
  const boost::json::array* read_array(std::string_view key, presence p = presence::optional);

  /// Adds one problem per member that no read asked for, suggesting a close known key.
  void report_unknown_keys();

  /// "a string", "an integer", "null", ...: used in "must be X (got Y)" messages.
  static const char* describe_type(const boost::json::value& v) noexcept;

private:
  const boost::json::object& object_;
  std::string path_;
  problem_list& problems_;
  std::vector<std::string> known_;
};

} // namespace m365
