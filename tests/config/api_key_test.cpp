// Admin and CRM keys are bearer tokens: only their hash is kept, and a check needs the exact key.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "config/api_key.hpp"
#include "config/small_file.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

TEST_CASE("a generated API key matches its stored hash and nothing else", "[config][api_key]") {
  auto key = generate_api_key();
  REQUIRE(key.has_value());
  CHECK(key->token.rfind("m365_", 0) == 0);
  CHECK(key->token.size() == 5 + 43);
  CHECK(key->sha256_hex.size() == 64);
  CHECK(api_key_matches(key->token, key->sha256_hex));
  CHECK_FALSE(api_key_matches(key->token + "x", key->sha256_hex));
  CHECK_FALSE(api_key_matches(key->token.substr(1), key->sha256_hex));
  CHECK_FALSE(api_key_matches(key->token, ""));
  auto other = generate_api_key();
  REQUIRE(other.has_value());
  CHECK(other->token != key->token);
  // The known SHA-256 of "abc" pins the hash to the standard one.
  CHECK(api_key_hash("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("the admin key file holds only the hash, mode 0600, and is never overwritten",
          "[config][api_key]") {
  temp_directory dir;
  auto path = dir.file("admin.key");
  auto key = generate_api_key();
  REQUIRE(key.has_value());
  REQUIRE(write_api_key_hash(path, *key));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto content = read_small_file(path, 1000);
  REQUIRE(content.has_value());
  CHECK(content->find(key->token) == std::string::npos);
  auto hash = read_api_key_hash(path);
  REQUIRE(hash.has_value());
  CHECK(*hash == key->sha256_hex);
  CHECK(write_api_key_hash(path, *key).code() == status_code::already_exists);
  dir.write("garbage.key", "not a hash\n");
  CHECK(read_api_key_hash(dir.file("garbage.key")).error().code() == status_code::corrupted);
}
