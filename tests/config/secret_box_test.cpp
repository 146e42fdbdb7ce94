// Credentials are sealed at rest under the master key and bound to their tenant: only the same
// key and the same tenant open them, and any change to the blob is detected.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "config/credential_material.hpp"
#include "config/master_key.hpp"
#include "config/secret_box.hpp"
#include "config/small_file.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

namespace {

secret_box fresh_box() {
  auto key = master_key::generate();
  REQUIRE(key.has_value());
  return secret_box{*key};
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

} // namespace

TEST_CASE("a sealed credential opens again for its tenant", "[config][secret_box]") {
  auto box = fresh_box();
  credential_material material;
  material.client_id = "11111111-2222-3333-4444-555555555555";
  material.client_secret = "abc~DEF.123_secret";
  auto plaintext = encode_credential(material);
  auto blob = box.seal("contoso", plaintext);
  REQUIRE(blob.has_value());
  CHECK(blob->size() == plaintext.size() + secret_box::overhead);
  CHECK(static_cast<uint8_t>((*blob)[0]) == secret_box::version);
  CHECK(blob->find(material.client_secret) == std::string::npos);
  auto opened = box.open("contoso", *blob);
  REQUIRE(opened.has_value());
  auto decoded = decode_credential(*opened);
  REQUIRE(decoded.has_value());
  CHECK(*decoded == material);
  CHECK(decoded->kind() == credential_kind::client_secret);
}

TEST_CASE("sealing the same input twice gives different blobs (fresh nonce)",
          "[config][secret_box]") {
  auto box = fresh_box();
  auto a = box.seal("contoso", "same");
  auto b = box.seal("contoso", "same");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a != *b);
  CHECK(*box.open("contoso", *a) == "same");
  CHECK(*box.open("contoso", *b) == "same");
}

TEST_CASE("a blob does not open for another tenant or under another master key",
          "[config][secret_box]") {
  auto box = fresh_box();
  auto blob = box.seal("contoso", "client-secret-value");
  REQUIRE(blob.has_value());
  auto other_tenant = box.open("fabrikam", *blob);
  REQUIRE_FALSE(other_tenant.has_value());
  CHECK(other_tenant.error().code() == status_code::permission_denied);
  CHECK(other_tenant.error().message().find("client-secret-value") == std::string::npos);
  CHECK_FALSE(fresh_box().open("contoso", *blob).has_value());
}

TEST_CASE("any altered byte of a blob makes it fail to open", "[config][secret_box]") {
  auto box = fresh_box();
  auto blob = box.seal("contoso", "client-secret-value");
  REQUIRE(blob.has_value());
  for (size_t i = 0; i < blob->size(); ++i) {
    auto tampered = *blob;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    INFO("byte " << i);
    CHECK_FALSE(box.open("contoso", tampered).has_value());
  }
  CHECK(box.open("contoso", blob->substr(0, blob->size() - 1)).error().code()
        == status_code::permission_denied);
  CHECK(box.open("contoso", blob->substr(0, secret_box::overhead - 1)).error().code()
        == status_code::corrupted);
  CHECK(box.open("contoso", *blob + "x").error().code() == status_code::permission_denied);
}

TEST_CASE("a missing master key file is created with mode 0600 and reused afterwards",
          "[config][master_key]") {
  temp_directory dir;
  auto path = dir.file("keys/master.key");
  auto created = load_or_create_master_key(path);
  REQUIRE(created.has_value());
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(dir.file("keys")) == 0700);
  auto text = read_small_file(path, 100);
  REQUIRE(text.has_value());
  CHECK(text->size() == 65);  // 64 hex digits and a newline
  auto again = load_or_create_master_key(path);
  REQUIRE(again.has_value());
  auto blob = secret_box{*created}.seal("contoso", "x");
  REQUIRE(blob.has_value());
  CHECK(*secret_box{*again}.open("contoso", *blob) == "x");
}

TEST_CASE("a master key file that group or others can access is refused",
          "[config][master_key]") {
  temp_directory dir;
  auto path = dir.file("master.key");
  REQUIRE(load_or_create_master_key(path).has_value());
  for (unsigned mode : {0644u, 0640u, 0604u, 0620u, 0660u}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    auto key = load_or_create_master_key(path);
    INFO("mode " << std::oct << mode);
    REQUIRE_FALSE(key.has_value());
    CHECK(key.error().code() == status_code::permission_denied);
    CHECK(key.error().message().find("chmod 600 " + path) != std::string::npos);
  }
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(load_or_create_master_key(path).has_value());
}

TEST_CASE("a master key file that is not 64 hex digits is refused without quoting it",
          "[config][master_key]") {
  temp_directory dir;
  for (std::string content : {std::string(63, 'a'), std::string(64, 'g'), std::string(66, 'a'),
                              std::string{}}) {
    auto path = dir.file("bad.key");
    std::remove(path.c_str());
    REQUIRE(create_private_file(path, content, 0600));
    auto key = load_or_create_master_key(path);
    REQUIRE_FALSE(key.has_value());
    CHECK(key.error().code() == status_code::corrupted);
    if (!content.empty()) CHECK(key.error().message().find(content) == std::string::npos);
  }
}
