// Tenant isolation starts at the key encoding: a tenant's prefix scan must never reach another
// tenant's keys, whatever bytes the other ids contain.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <tuple>

#include "store/key_codec.hpp"
#include "store/lmdb_env.hpp"

using namespace m365;

TEST_CASE("the key prefix of tenant a is not a prefix of tenant ab's keys", "[store][keys]") {
  auto prefix_a = keys::tenant_prefix("a");
  auto key_ab = keys::record_key("ab", "u-1", "AAMk1");
  auto key_a = keys::record_key("a", "u-1", "AAMk1");
  CHECK_FALSE(lmdb::has_prefix(key_ab, prefix_a));
  CHECK(lmdb::has_prefix(key_a, prefix_a));
  // The same for every tenant-owned database.
  std::string k;
  keys::user_time_key(k, "ab", "u-1", keys::kind::email, 5, "g");
  CHECK_FALSE(lmdb::has_prefix(k, prefix_a));
  keys::tenant_time_key(k, "ab", "u-1", keys::kind::email, 5, "g");
  CHECK_FALSE(lmdb::has_prefix(k, prefix_a));
  keys::alias_key(k, "ab", "u-1", keys::kind::email, "g");
  CHECK_FALSE(lmdb::has_prefix(k, prefix_a));
  CHECK_FALSE(lmdb::has_prefix(keys::link_key("ab", "u-1", "inbox"), prefix_a));
  CHECK_FALSE(lmdb::has_prefix(keys::sync_log_key("ab", 1, "u-1", "inbox", 7), prefix_a));
  CHECK_FALSE(lmdb::has_prefix(keys::tenant_user_key("ab", "u-1"), prefix_a));
}

TEST_CASE("odd bytes in user, folder or Graph ids cannot forge another tenant's key",
          "[store][keys]") {
  // A user id that spells "length byte + other tenant" must not collide with that tenant.
  std::string forged_user = std::string("\x02") + "ab";
  auto forged = keys::record_key("a", forged_user, "x");
  CHECK_FALSE(lmdb::has_prefix(forged, keys::tenant_prefix("ab")));
  CHECK(forged != keys::record_key("ab", "u", "x"));

  // Random ids full of length-like bytes: encoding is injective and parses back.
  std::mt19937_64 rng{42};
  auto random_id = [&](size_t max) {
    std::string s(1 + rng() % max, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 4);  // 0x00..0x03: lengths and NULs
    return s;
  };
  std::set<std::tuple<std::string, std::string, std::string>> inputs;
  std::set<std::string> encoded;
  for (int i = 0; i < 5000; ++i) {
    auto tenant = random_id(3);
    auto user = random_id(3);
    auto graph = random_id(4);
    auto key = keys::record_key(tenant, user, graph);
    if (inputs.emplace(tenant, user, graph).second) CHECK(encoded.insert(key).second);
    keys::record_key_parts parts;
    REQUIRE(keys::parse_record_key(key, parts));
    CHECK(parts.tenant == tenant);
    CHECK(parts.user == user);
    CHECK(parts.graph_id == graph);
    CHECK(lmdb::has_prefix(key, keys::tenant_prefix(tenant)));
  }
}

TEST_CASE("time keys sort by time, negative times included", "[store][keys]") {
  std::vector<int64_t> times = {INT64_MIN, -1'000, -1, 0, 1, 1'700'000'000'000, INT64_MAX};
  std::string previous;
  for (auto t : times) {
    std::string k;
    keys::user_time_key(k, "t", "u", keys::kind::email, t, "g");
    CHECK(k > previous);
    CHECK(keys::read_time(std::string_view(k).substr(keys::time_prefix("t", "u", keys::kind::email).size())) == t);
    previous = k;
  }
}

TEST_CASE("dedupe keys are scoped to the user and short whatever the id length", "[store][keys]") {
  std::string a, b;
  keys::dedupe_key(a, "u-1", keys::kind::email, "<m@x>");
  keys::dedupe_key(b, "u-2", keys::kind::email, "<m@x>");
  CHECK(a != b);
  keys::dedupe_key(b, "u-1", keys::kind::event, "<m@x>");
  CHECK(a != b);
  std::string long_id(1000, 'x');
  keys::dedupe_key(a, "u-1", keys::kind::email, long_id);
  CHECK(a.size() == 1 + 3 + 1 + keys::dedupe_digest_size);
  long_id.back() = 'y';
  keys::dedupe_key(b, "u-1", keys::kind::email, long_id);
  CHECK(a != b);
}

TEST_CASE("hex cursors round trip and reject garbage", "[store][keys]") {
  std::string bytes("\x00\xff\x10 a", 5), back;
  REQUIRE(keys::from_hex(keys::to_hex(bytes), back));
  CHECK(back == bytes);
  CHECK_FALSE(keys::from_hex("abc", back));
  CHECK_FALSE(keys::from_hex("zz", back));
}
