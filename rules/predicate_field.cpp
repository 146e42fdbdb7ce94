// The table of leaf predicate keys.
#include "rules/predicate_field.hpp"

namespace m365 {

namespace {

const char* const sensitivity_values[] = {"normal", "personal", "private", "confidential", nullptr};
const char* const importance_values[] = {"low", "normal", "high", nullptr};
// Graph's freeBusyStatus values, folded ("workingElsewhere" -> "workingelsewhere").
const char* const show_as_values[] = {"free",    "tentative", "busy", "oof", "workingelsewhere",
                                      "unknown", nullptr};

using vk = predicate_value_kind;

const predicate_field_info table[predicate_field_count] = {
  {predicate_field::sender_address, "sender_address", vk::address, rule_target::both, nullptr},
  {predicate_field::sender_domain, "sender_domain", vk::domain, rule_target::both, nullptr},
  {predicate_field::participant_address, "participant_address", vk::address, rule_target::both,
   nullptr},
  {predicate_field::participant_domain, "participant_domain", vk::domain, rule_target::both,
   nullptr},
  {predicate_field::recipient_address, "recipient_address", vk::address, rule_target::both,
   nullptr},
  {predicate_field::recipient_domain, "recipient_domain", vk::domain, rule_target::both, nullptr},
  {predicate_field::subject_contains, "subject_contains", vk::keyword, rule_target::both, nullptr},
  {predicate_field::subject_regex, "subject_regex", vk::regex, rule_target::both, nullptr},
  {predicate_field::body_contains, "body_contains", vk::keyword, rule_target::both, nullptr},
  {predicate_field::category, "category", vk::name, rule_target::both, nullptr},
  // Graph messages carry no sensitivity property in v1.0; only events do.
  {predicate_field::sensitivity, "sensitivity", vk::enumeration, rule_target::event,
   sensitivity_values},
  {predicate_field::importance, "importance", vk::enumeration, rule_target::both,
   importance_values},
  {predicate_field::folder, "folder", vk::name, rule_target::email, nullptr},
  {predicate_field::internal_only, "internal_only", vk::boolean, rule_target::both, nullptr},
  {predicate_field::recurring, "recurring", vk::boolean, rule_target::event, nullptr},
  {predicate_field::show_as, "show_as", vk::enumeration, rule_target::event, show_as_values},
};

} // namespace

const predicate_field_info& info_of(predicate_field field) noexcept {
  return table[static_cast<size_t>(field)];
}

const predicate_field_info* find_predicate_field(std::string_view name) noexcept {
  for (const auto& entry : table)
    if (name == entry.name)
      return &entry;
  return nullptr;
}

const std::string& predicate_key_list() {
  static const std::string list = [] {
    std::string out = "all, any, not";
    for (const auto& entry : table) {
      out += ", ";
      out += entry.name;
    }
    return out;
  }();
  return list;
}

} // namespace m365
