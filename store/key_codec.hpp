// Ownership: stateless free functions, safe from any thread.
// Key encoding of every named database (see lmdb_store.hpp for the layout).
//
// Every variable-length component except the last is written as one length byte followed by
// its bytes, so the encoding is injective: no choice of bytes in a user id, folder or Graph id
// can produce another tenant's key, and the prefix of tenant "a" (01 'a') is never a prefix of
// tenant "ab"'s keys (02 'a' 'b'). Times are big-endian with the sign bit flipped so that
// LMDB's byte order is time order, negative times included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/ids.hpp"

namespace m365::keys {

/// LMDB's default maximum key size (mdb_env_get_maxkeysize).
constexpr size_t max_key_size = 511;
/// Longest component that can be length-prefixed (one length byte).
constexpr size_t max_component_size = 255;
/// Longest Graph id accepted: the widest key that ends in one (the tenant-wide time index of a
/// 63-byte tenant and a 128-byte user) must stay within max_key_size.
constexpr size_t max_graph_id_size = 300;
/// Bytes of SHA-256 that stand for a dedupe id (internetMessageId, iCalUId) in dedupe keys.
constexpr size_t dedupe_digest_size = 16;

/// Which activity a key refers to.
enum class kind : uint8_t { email = 1, event = 2 };

/// Appends one length-prefixed component; `part.size()` must be <= max_component_size.
void append_component(std::string& out, std::string_view part);
/// Appends `t` as 8 big-endian bytes with the sign bit flipped (byte order = numeric order).
void append_time(std::string& out, int64_t t);
/// Reads a time written by append_time from the first 8 bytes of `in`.
int64_t read_time(std::string_view in) noexcept;

/// `tenant|`: the prefix of every key of one tenant in a tenant-owned database.
std::string tenant_prefix(std::string_view tenant);
/// `tenant|user|`.
std::string user_prefix(std::string_view tenant, std::string_view user);

/// emails / events: `tenant|user|graph_id`.
std::string record_key(std::string_view tenant, std::string_view user, std::string_view graph_id);
void record_key(std::string& out, std::string_view tenant, std::string_view user,
                std::string_view graph_id);

/// The parts of a record key (views into the key).
struct record_key_parts {
  std::string_view tenant;
  std::string_view user;
  std::string_view graph_id;
};
/// False when `key` is not a well-formed record key.
bool parse_record_key(std::string_view key, record_key_parts& out) noexcept;

/// by_time, one user: `tenant|user|kind|time|graph_id`.
void user_time_key(std::string& out, std::string_view tenant, std::string_view user, kind k,
                   int64_t time, std::string_view graph_id);
/// by_time, whole tenant: `tenant|<empty user>|kind|time|user|graph_id`. User ids are never
/// empty, so the empty component is a namespace of its own within the tenant.
void tenant_time_key(std::string& out, std::string_view tenant, std::string_view user, kind k,
                     int64_t time, std::string_view graph_id);
/// Prefix of the time index of one user (or of the whole tenant when `user` is empty).
std::string time_prefix(std::string_view tenant, std::string_view user, kind k);
/// Recovers user and Graph id from a by_time key under `prefix` (as made by time_prefix).
bool parse_time_key(std::string_view key, size_t prefix_size, bool tenant_wide, int64_t& time,
                    std::string_view& user, std::string_view& graph_id) noexcept;

/// dedupe: `user|kind|sha256(id)[0..16)`. Users belong to one tenant at a time but a migrating
/// user receives the same message through two tenants, so the dedupe scope is the user.
void dedupe_key(std::string& out, std::string_view user, kind k, std::string_view dedupe_id);
/// The 64-bit hash of a dedupe key (its digest's first 8 bytes, big-endian): what the dedupe
/// journal indexes. `key` must come from dedupe_key.
uint64_t dedupe_hash(std::string_view key) noexcept;
/// Splits a dedupe key into its journal prefix (`user|kind`) and hash; false when malformed.
bool parse_dedupe_key(std::string_view key, std::string_view& journal_prefix,
                      uint64_t& hash) noexcept;

/// dedupe_journal: `user|kind|be64(seq)`, one chunk of entries per user, kind and transaction.
std::string journal_prefix(std::string_view user, kind k);
std::string journal_key(std::string_view prefix, uint64_t seq);
/// The sequence number of a journal key under a prefix of `prefix_size` bytes.
bool parse_journal_seq(std::string_view key, size_t prefix_size, uint64_t& seq) noexcept;
/// True when `key` is a bare journal prefix `user|kind`: the counter record of stale entries.
bool is_journal_counter_key(std::string_view key) noexcept;

/// aliases (sources that were deduplicated into another record): `tenant|user|kind|graph_id`.
void alias_key(std::string& out, std::string_view tenant, std::string_view user, kind k,
               std::string_view graph_id);
std::string alias_prefix(std::string_view tenant, std::string_view user, kind k);

/// links: `tenant|user|folder`.
std::string link_key(std::string_view tenant, std::string_view user, std::string_view folder);

/// sync_log: `tenant|time|user|folder|digest`. Deterministic: the same page gives the same key.
std::string sync_log_key(std::string_view tenant, int64_t at, std::string_view user,
                         std::string_view folder, uint64_t digest);
/// Parses the time of a sync-log key under a tenant prefix of `prefix_size` bytes.
bool parse_sync_log_time(std::string_view key, size_t prefix_size, int64_t& at) noexcept;

/// tenants / credentials: `tenant`; users: `user`; tenant_users index: `tenant|user`.
std::string tenant_key(std::string_view tenant);
std::string user_key(std::string_view user);
std::string tenant_user_key(std::string_view tenant, std::string_view user);
/// The user of a tenant_users key under a tenant prefix of `prefix_size` bytes.
bool parse_tenant_user_key(std::string_view key, size_t prefix_size, std::string_view& user) noexcept;

/// audit: `time|seq` (not tenant-owned: the audit log is the org's).
std::string audit_key(int64_t at, uint32_t seq);

/// Hex form of arbitrary bytes (opaque read cursors) and back; false on malformed input.
std::string to_hex(std::string_view bytes);
bool from_hex(std::string_view hex, std::string& out);

} // namespace m365::keys
