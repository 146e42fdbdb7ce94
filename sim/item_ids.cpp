#include "sim/item_ids.hpp"

#include <cstring>

#include "sim/base64url.hpp"
#include "sim/seed_hash.hpp"

namespace m365::sim {

namespace {

// Prefixes borrowed from real Exchange ids so logs look familiar; the payload is our own.
std::string_view prefix_of(char kind) {
  switch (kind) {
    case 'm': return "AAMkAD";
    case 'i': return "AAkALg";
    case 'f': return "AQMkAD";
    default: return "AAMkAG";
  }
}

void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    s.push_back(static_cast<char>(v >> (8 * i) & 0xff));
}

uint32_t get32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

} // namespace

// Layout: kind, 6 check bytes, 12 payload bytes masked with a stream derived from the check (so
// neighbouring ids look unrelated), one pad byte: 20 bytes -> 27 base64url chars + '='.
namespace {

void mask_payload(std::string& raw, size_t at, uint64_t check, uint64_t seed) {
  uint64_t m1 = mix64(check ^ seed), m2 = mix64(m1);
  for (size_t i = 0; i < 12; ++i)
    raw[at + i] = static_cast<char>(raw[at + i] ^ static_cast<char>(((i < 8 ? m1 : m2) >> ((i % 8) * 8)) & 0xff));
}

} // namespace

std::string item_ids::encode(char kind, uint32_t mailbox, uint32_t item, uint32_t sub) const {
  uint64_t check = hash_of({seed_, static_cast<uint64_t>(kind), mailbox, item, sub}) & 0xffffffffffffULL;
  std::string raw;
  raw.push_back(kind);
  for (int i = 0; i < 6; ++i)
    raw.push_back(static_cast<char>(check >> (8 * i) & 0xff));
  put32(raw, mailbox);
  put32(raw, item);
  put32(raw, sub);
  mask_payload(raw, 7, check, seed_);
  raw.push_back('\0');
  std::string out(prefix_of(kind));
  out += base64url_encode(raw);
  out += "=";
  return out;
}

std::string item_ids::message_id(uint32_t mailbox, uint32_t index, uint16_t folder, bool immutable) const {
  return immutable ? encode('i', mailbox, index, 0) : encode('m', mailbox, index, folder);
}

std::string item_ids::folder_id(uint32_t mailbox, uint16_t folder) const {
  return encode('f', mailbox, folder, 0);
}

std::string item_ids::event_id(uint32_t mailbox, uint32_t index, uint32_t occurrence) const {
  return encode('e', mailbox, index, occurrence);
}

std::optional<decoded_id> item_ids::decode(std::string_view id) const {
  if (id.size() < 8)
    return std::nullopt;
  auto raw = base64_decode_any(id.substr(6));
  if (!raw || raw->size() < 19)
    return std::nullopt;
  decoded_id d;
  d.kind = (*raw)[0];
  if (prefix_of(d.kind) != id.substr(0, 6))
    return std::nullopt;
  uint64_t check = 0;
  for (int i = 0; i < 6; ++i)
    check |= static_cast<uint64_t>(static_cast<unsigned char>((*raw)[1 + i])) << (8 * i);
  mask_payload(*raw, 7, check, seed_);
  d.mailbox = get32(*raw, 7);
  d.item = get32(*raw, 11);
  d.sub = get32(*raw, 15);
  if ((hash_of({seed_, static_cast<uint64_t>(d.kind), d.mailbox, d.item, d.sub}) & 0xffffffffffffULL) != check)
    return std::nullopt;
  return d;
}

} // namespace m365::sim
