// Ownership: stateless free functions, safe from any thread.
// Versioned binary records: every stored value starts with a record-version byte, then the
// fields in byte_writer's encoding. A record of a newer version than this build knows is a
// version_mismatch (a newer build wrote it); a truncated or malformed record is `corrupted`.
// To evolve a record: bump its version constant, keep decoding every older version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/rule.hpp"
#include "messages/status.hpp"
#include "messages/sync_state.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// Store-side facts kept in front of an email or event record, readable without decoding the
/// whole record (removals and sweeps only need these).
struct record_header {
  uint64_t generation = 0;  ///< generation of the link whose page last saw the record
  std::string folder;       ///< the link folder that holds it ("calendar" for events)
  int64_t time = 0;         ///< index time: received_at (emails), start (events)
  std::string dedupe_id;    ///< internetMessageId / iCalUId when deduplicated, else empty
};

/// One dedupe index entry: the key of the record that holds the item and every source
/// (record key tenant|user|graph_id) that delivered it, owner included, sorted. The owner
/// must be one of the sources (it is encoded as an index into them).
struct dedupe_entry {
  std::string owner;
  std::vector<std::string> sources;
};

/// A source that was folded into another record by dedupe: what is needed to promote it to
/// owner when the current owner's source goes away.
struct alias_entry {
  std::string dedupe_id;
  uint64_t generation = 0;
  std::string folder;
  std::string mailbox;
  std::string change_key;
};

/// An audit record (org-wide).
struct audit_record {
  int64_t at = 0;
  std::string actor;
  std::string action;
  std::string details;  ///< JSON text
};

namespace record_version {
constexpr uint8_t email = 1;
constexpr uint8_t event = 1;
constexpr uint8_t tenant = 1;
constexpr uint8_t user = 1;
constexpr uint8_t rule = 1;
constexpr uint8_t link = 2;  ///< 2 added the mailbox
constexpr uint8_t sync_log = 1;
constexpr uint8_t dedupe = 1;
constexpr uint8_t alias = 1;
constexpr uint8_t audit = 1;
constexpr uint8_t credential = 1;
} // namespace record_version

// Encoders append to `out` (callers reuse buffers on the hot path).
void encode_record(const record_header& header, const email& value, std::string& out);
void encode_record(const record_header& header, const event& value, std::string& out);
void encode_record(const tenant_settings& value, std::string& out);
void encode_record(const user_assignment& value, std::string& out);
void encode_record(const rule& value, std::string& out);
void encode_record(const delta_link& value, std::string& out);
void encode_record(const sync_log_line& value, std::string& out);
void encode_record(const dedupe_entry& value, std::string& out);
void encode_record(const alias_entry& value, std::string& out);
void encode_record(const audit_record& value, std::string& out);
/// A sealed credential blob (opaque bytes, sealed by the caller).
void encode_credential(std::string_view sealed, std::string& out);

// Decoders: ok, corrupted (truncated, malformed, trailing bytes) or version_mismatch.
status decode_record(std::string_view bytes, record_header& header, email& value);
status decode_record(std::string_view bytes, record_header& header, event& value);
/// Only the header of an email or event record (`kind_name` names it in errors).
status decode_header(std::string_view bytes, const char* kind_name, record_header& header);
status decode_record(std::string_view bytes, tenant_settings& value);
status decode_record(std::string_view bytes, user_assignment& value);
status decode_record(std::string_view bytes, rule& value);
status decode_record(std::string_view bytes, delta_link& value);
status decode_record(std::string_view bytes, sync_log_line& value);
status decode_record(std::string_view bytes, dedupe_entry& value);
status decode_record(std::string_view bytes, alias_entry& value);
status decode_record(std::string_view bytes, audit_record& value);
status decode_credential(std::string_view bytes, std::string& sealed);

} // namespace m365
