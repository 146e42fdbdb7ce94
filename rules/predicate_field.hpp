// Ownership: a static, immutable table; safe from any thread. The leaf predicate keys of a rule's
// `match` tree (design.md section 3), what values each takes and which item kinds have the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/rule.hpp"

namespace m365 {

/// Leaf predicate keys. Append only: the numbers are used as fact codes by the compiler.
enum class predicate_field : uint8_t {
  sender_address = 0,
  sender_domain,
  participant_address,
  participant_domain,
  recipient_address,
  recipient_domain,
  subject_contains,
  subject_regex,
  body_contains,
  category,
  sensitivity,
  importance,
  folder,
  internal_only,
  recurring,
  show_as,
};

/// How a leaf's value is written and compared.
enum class predicate_value_kind : uint8_t {
  address,      ///< string or list of e-mail addresses; equality, case-insensitive
  domain,       ///< string or list of domains; exact equality (no subdomains), case-insensitive
  keyword,      ///< string or list; case-insensitive substring
  regex,        ///< string or list of RE2 patterns; case-sensitive unless (?i)
  name,         ///< string or list of free names (category, folder); equality, case-insensitive
  enumeration,  ///< string or list from a fixed set of names; equality, case-insensitive
  boolean,      ///< true or false
};

/// Everything the parser and the compiler need to know about one leaf key.
struct predicate_field_info {
  predicate_field field;
  const char* name;
  predicate_value_kind kind;
  /// Item kinds that carry the field. On an item of another kind the leaf is false.
  rule_target carried_by;
  /// For enumerations: the allowed values (folded), nullptr-terminated; nullptr otherwise.
  const char* const* allowed;
};

/// The table entry of `field`.
const predicate_field_info& info_of(predicate_field field) noexcept;

/// The entry named `name` (exact, case-sensitive key), or nullptr.
const predicate_field_info* find_predicate_field(std::string_view name) noexcept;

/// "all, any, not, sender_address, ..." for error messages.
const std::string& predicate_key_list();

/// Number of leaf keys.
constexpr size_t predicate_field_count = 16;

} // namespace m365
