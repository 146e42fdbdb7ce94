#include "sim/link_token.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

#include "sim/base64url.hpp"
#include "sim/seed_hash.hpp"

namespace m365::sim {

namespace {

constexpr size_t mac_len = 10;

template <class T>
void put(std::string& s, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  s.append(buf, sizeof(T));
}

template <class T>
bool get(std::string_view& s, T& v) {
  if (s.size() < sizeof(T))
    return false;
  std::memcpy(&v, s.data(), sizeof(T));
  s.remove_prefix(sizeof(T));
  return true;
}

std::string mac_of(const std::string& key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), mac_len);
}

} // namespace

link_token::link_token(uint64_t seed) {
  for (uint64_t i = 0; i < 4; ++i) {
    uint64_t h = hash_of({seed, 0x11ACE, i});
    key_.append(reinterpret_cast<const char*>(&h), 8);
  }
}

std::string link_token::encode(const link_state& s) const {
  std::string raw;
  put<uint8_t>(raw, 1); // format version
  put<uint8_t>(raw, static_cast<uint8_t>(s.what));
  put(raw, s.mailbox);
  put(raw, s.folder);
  put<uint8_t>(raw, s.change_filter);
  put(raw, s.select);
  put(raw, s.since);
  put(raw, s.upper);
  put(raw, s.position);
  put(raw, s.generation);
  if (s.what == link_state::collection::events) {
    put(raw, s.window_start);
    put(raw, s.window_end);
  }
  raw += mac_of(key_, raw);
  return base64url_encode(raw);
}

std::optional<link_state> link_token::decode(std::string_view token) const {
  auto raw = base64_decode_any(token);
  if (!raw || raw->size() <= mac_len)
    return std::nullopt;
  std::string_view body(raw->data(), raw->size() - mac_len);
  std::string_view mac(raw->data() + body.size(), mac_len);
  if (mac_of(key_, body) != mac)
    return std::nullopt;
  link_state s;
  uint8_t version = 0, what = 0, created = 0;
  if (!get(body, version) || version != 1 || !get(body, what))
    return std::nullopt;
  s.what = static_cast<link_state::collection>(what);
  if (!get(body, s.mailbox) || !get(body, s.folder) || !get(body, created) || !get(body, s.select) ||
      !get(body, s.since) || !get(body, s.upper) || !get(body, s.position) || !get(body, s.generation))
    return std::nullopt;
  s.change_filter = created;
  if (s.what == link_state::collection::events &&
      (!get(body, s.window_start) || !get(body, s.window_end)))
    return std::nullopt;
  return s;
}

} // namespace m365::sim
