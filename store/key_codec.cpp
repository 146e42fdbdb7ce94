// Key encoding; see key_codec.hpp for the properties every key has.
#include "store/key_codec.hpp"

#include <cassert>

#include "store/digest.hpp"

namespace m365::keys {

namespace {

/// Reads one length-prefixed component at `pos`; false when it does not fit.
bool read_component(std::string_view key, size_t& pos, std::string_view& out) noexcept {
  if (pos >= key.size()) return false;
  auto n = static_cast<uint8_t>(key[pos]);
  if (key.size() - pos - 1 < n) return false;
  out = key.substr(pos + 1, n);
  pos += 1 + n;
  return true;
}

} // namespace

void append_component(std::string& out, std::string_view part) {
  assert(part.size() <= max_component_size);
  out.push_back(static_cast<char>(static_cast<uint8_t>(part.size())));
  out.append(part.data(), part.size());
}

void append_time(std::string& out, int64_t t) {
  auto u = static_cast<uint64_t>(t) ^ (uint64_t{1} << 63);
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((u >> (8 * (7 - i))) & 0xff);
  out.append(buf, 8);
}

int64_t read_time(std::string_view in) noexcept {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in[i]);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}

std::string tenant_prefix(std::string_view tenant) {
  std::string out;
  append_component(out, tenant);
  return out;
}

std::string user_prefix(std::string_view tenant, std::string_view user) {
  std::string out;
  append_component(out, tenant);
  append_component(out, user);
  return out;
}

void record_key(std::string& out, std::string_view tenant, std::string_view user,
                std::string_view graph_id) {
  out.clear();
  append_component(out, tenant);
  append_component(out, user);
  out.append(graph_id.data(), graph_id.size());
}

std::string record_key(std::string_view tenant, std::string_view user, std::string_view graph_id) {
  std::string out;
  record_key(out, tenant, user, graph_id);
  return out;
}

bool parse_record_key(std::string_view key, record_key_parts& out) noexcept {
  size_t pos = 0;
  if (!read_component(key, pos, out.tenant) || !read_component(key, pos, out.user)) return false;
  out.graph_id = key.substr(pos);
  return !out.tenant.empty() && !out.user.empty() && !out.graph_id.empty();
}

void user_time_key(std::string& out, std::string_view tenant, std::string_view user, kind k,
                   int64_t time, std::string_view graph_id) {
  out.clear();
  append_component(out, tenant);
  append_component(out, user);
  out.push_back(static_cast<char>(k));
  append_time(out, time);
  out.append(graph_id.data(), graph_id.size());
}

void tenant_time_key(std::string& out, std::string_view tenant, std::string_view user, kind k,
                     int64_t time, std::string_view graph_id) {
  out.clear();
  append_component(out, tenant);
  append_component(out, {});
  out.push_back(static_cast<char>(k));
  append_time(out, time);
  append_component(out, user);
  out.append(graph_id.data(), graph_id.size());
}

std::string time_prefix(std::string_view tenant, std::string_view user, kind k) {
  std::string out;
  append_component(out, tenant);
  append_component(out, user);
  out.push_back(static_cast<char>(k));
  return out;
}

bool parse_time_key(std::string_view key, size_t prefix_size, bool tenant_wide, int64_t& time,
                    std::string_view& user, std::string_view& graph_id) noexcept {
  if (key.size() < prefix_size + 8) return false;
  time = read_time(key.substr(prefix_size));
  size_t pos = prefix_size + 8;
  if (tenant_wide && !read_component(key, pos, user)) return false;
  graph_id = key.substr(pos);
  return !graph_id.empty();
}

void dedupe_key(std::string& out, std::string_view user, kind k, std::string_view dedupe_id) {
  out.clear();
  append_component(out, user);
  out.push_back(static_cast<char>(k));
  // A 128-bit digest keeps every dedupe key short (ids can be ~1000 bytes) and the index
  // dense; a collision within one user's mail would need ~2^64 messages.
  auto digest = sha256(dedupe_id);
  out.append(reinterpret_cast<const char*>(digest.data()), dedupe_digest_size);
}

uint64_t dedupe_hash(std::string_view key) noexcept {
  uint64_t h = 0;
  auto digest = key.substr(key.size() - dedupe_digest_size);
  for (int i = 0; i < 8; ++i) h = (h << 8) | static_cast<uint8_t>(digest[i]);
  return h;
}

bool parse_dedupe_key(std::string_view key, std::string_view& journal_prefix,
                      uint64_t& hash) noexcept {
  size_t pos = 0;
  std::string_view user;
  if (!read_component(key, pos, user) || key.size() != pos + 1 + dedupe_digest_size)
    return false;
  journal_prefix = key.substr(0, pos + 1);
  hash = dedupe_hash(key);
  return true;
}

std::string journal_prefix(std::string_view user, kind k) {
  std::string out;
  append_component(out, user);
  out.push_back(static_cast<char>(k));
  return out;
}

std::string journal_key(std::string_view prefix, uint64_t seq) {
  std::string out(prefix);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  return out;
}

bool parse_journal_seq(std::string_view key, size_t prefix_size, uint64_t& seq) noexcept {
  if (key.size() != prefix_size + 8) return false;
  seq = 0;
  for (size_t i = prefix_size; i < key.size(); ++i) seq = (seq << 8) | static_cast<uint8_t>(key[i]);
  return true;
}

bool is_journal_counter_key(std::string_view key) noexcept {
  size_t pos = 0;
  std::string_view user;
  return read_component(key, pos, user) && key.size() == pos + 1;
}

void alias_key(std::string& out, std::string_view tenant, std::string_view user, kind k,
               std::string_view graph_id) {
  out.clear();
  append_component(out, tenant);
  append_component(out, user);
  out.push_back(static_cast<char>(k));
  out.append(graph_id.data(), graph_id.size());
}

std::string alias_prefix(std::string_view tenant, std::string_view user, kind k) {
  return time_prefix(tenant, user, k);
}

std::string link_key(std::string_view tenant, std::string_view user, std::string_view folder) {
  std::string out;
  append_component(out, tenant);
  append_component(out, user);
  out.append(folder.data(), folder.size());
  return out;
}

std::string sync_log_key(std::string_view tenant, int64_t at, std::string_view user,
                         std::string_view folder, uint64_t digest) {
  std::string out;
  append_component(out, tenant);
  append_time(out, at);
  append_component(out, user);
  append_component(out, folder);
  append_time(out, static_cast<int64_t>(digest));
  return out;
}

bool parse_sync_log_time(std::string_view key, size_t prefix_size, int64_t& at) noexcept {
  if (key.size() < prefix_size + 8) return false;
  at = read_time(key.substr(prefix_size));
  return true;
}

std::string tenant_key(std::string_view tenant) { return tenant_prefix(tenant); }

std::string user_key(std::string_view user) {
  std::string out;
  append_component(out, user);
  return out;
}

std::string tenant_user_key(std::string_view tenant, std::string_view user) {
  return user_prefix(tenant, user);
}

bool parse_tenant_user_key(std::string_view key, size_t prefix_size,
                           std::string_view& user) noexcept {
  size_t pos = prefix_size;
  return read_component(key, pos, user) && pos == key.size();
}

std::string audit_key(int64_t at, uint32_t seq) {
  std::string out;
  append_time(out, at);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return true;
}

} // namespace m365::keys
