// Ownership: stateless serializer, thread-safe. Writes Graph `message` JSON exactly as in the
// documented bodies (keys, nesting, `@odata.type`/`@odata.etag`, `Z` dates). Per message the
// static properties are pre-serialized once into one string with an offset table; a page is
// assembled by concatenating the selected slices (no DOM per request).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/expected.hpp"
#include "sim/dataset.hpp"

namespace m365::sim {

/// Properties of microsoft.graph.message that the simulator serves, in output order.
enum class message_prop : uint8_t {
  created_date_time, last_modified_date_time, change_key, categories, received_date_time,
  sent_date_time, has_attachments, internet_message_id, subject, body_preview, importance,
  parent_folder_id, conversation_id, is_delivery_receipt_requested, is_read_receipt_requested,
  is_read, is_draft, web_link, inference_classification, body, sender, from, to_recipients,
  cc_recipients, bcc_recipients, reply_to, flag,
  count_
};
inline constexpr size_t message_prop_count = static_cast<size_t>(message_prop::count_);

/// The cached, pre-serialized part of one message (everything but id, isRead, webLink, body).
struct message_cache {
  std::string text;                                   ///< `"key":value` slices back to back
  std::array<uint32_t, message_prop_count + 1> off{}; ///< slice i = [off[i], off[i+1])
  bool is_read = false;
  uint32_t body_offset = 0;
  uint32_t body_length = 0;
  bool built() const noexcept { return !text.empty(); }
};

/// How one message is rendered in a response.
struct message_render {
  std::string_view id;
  uint64_t select = 0;        ///< 0 = every property
  bool is_read_as_string = false; ///< documented quirk: later delta rounds carry "isRead":"true"
  const std::string* explicit_body = nullptr; ///< body_html of a message added at runtime
};

class message_json {
public:
  /// Parses a `$select` list into a bit mask; 400-worthy status on an unknown property.
  static m365::expected<uint64_t> parse_select(std::string_view list);

  /// Fills `cache` for `m`; `folder_id` and `change_key` are the message's current ones.
  static void build_cache(const dataset& data, const message_fields& m, std::string_view folder_id,
                          std::string_view change_key, int64_t created, int64_t modified,
                          message_cache& cache);

  /// Appends the message object (with `@odata.type` and `@odata.etag`) to `out`.
  static void write(std::string& out, const dataset& data, const message_cache& cache,
                    const message_render& how);

  /// Appends `{"@odata.type":"#microsoft.graph.message","id":"…","@removed":{"reason":"deleted"}}`.
  static void write_removed(std::string& out, std::string_view id);

  /// The changeKey stored in a built cache.
  static std::string_view change_key_of(const message_cache& cache);
};

} // namespace m365::sim
