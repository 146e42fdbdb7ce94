// Master key file: creation with mode 0600, strict mode check, hex decoding.
#include "config/master_key.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/small_file.hpp"

namespace m365 {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string to_hex(const uint8_t* data, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0x0f];
  }
  return out;
}

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

expected<master_key> read_existing(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return status::io_error("cannot stat master key file '" + path + "': " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return status::invalid_argument("master key file '" + path + "' is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return status::permission_denied("master key file '" + path + "' has mode "
                                     + octal_mode(st.st_mode)
                                     + ", which lets group or others access it; run "
                                       "'chmod 600 " + path + "' (and consider rotating the key)");
  }
  auto text = read_small_file(path, 256);
  if (!text) return text.error();
  std::string& hex = *text;
  if (!hex.empty() && hex.back() == '\n') hex.pop_back();
  std::array<uint8_t, master_key::size> bytes{};
  bool valid = hex.size() == 2 * master_key::size;
  for (size_t i = 0; valid && i < master_key::size; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    valid = hi >= 0 && lo >= 0;
    if (valid) bytes[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  OPENSSL_cleanse(hex.data(), hex.size());
  if (!valid) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return status::corrupted("master key file '" + path + "' must hold exactly 64 hexadecimal "
                             "digits (32 bytes)");
  }
  master_key key{bytes};
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

} // namespace

master_key::~master_key() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

expected<master_key> master_key::generate() {
  std::array<uint8_t, size> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return status::internal("the OpenSSL random generator failed");
  }
  master_key key{bytes};
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

expected<master_key> load_or_create_master_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return read_existing(path);
  if (errno != ENOENT) {
    return status::io_error("cannot stat master key file '" + path + "': " + std::strerror(errno));
  }
  auto key = master_key::generate();
  if (!key) return key.error();
  std::string hex = to_hex(key->data(), master_key::size) + "\n";
  auto created = create_private_file(path, hex, 0600);
  OPENSSL_cleanse(hex.data(), hex.size());
  // Lost a race with another process creating it: use theirs, never overwrite a key.
  if (created.code() == status_code::already_exists) return read_existing(path);
  if (!created) return created;
  return key;
}

} // namespace m365
