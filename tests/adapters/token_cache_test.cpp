// The tenant's token cache with a synthetic clock and a hand-completed fetch: single flight,
// refresh ahead of expiry, forced refresh, and slow retries after failures.
#include <catch2/catch.hpp>

#include "adapters/token_cache.hpp"

using namespace m365;
using namespace std::chrono_literals;

namespace {

struct harness {
  token_cache::clock::time_point now = token_cache::clock::from_time_t(1700000000);
  std::vector<std::function<void(token_outcome)>> pending;
  token_cache cache{token_cache_settings{},
                    [this](std::function<void(token_outcome)> done) { pending.push_back(std::move(done)); },
                    [this] { return now; }};
  std::vector<expected<std::string>> answers;

  void get(bool force = false) {
    cache.get_token(force, [this](expected<std::string> t) { answers.push_back(std::move(t)); });
  }
  void succeed(const std::string& value, std::chrono::seconds lifetime = 3600s) {
    REQUIRE_FALSE(pending.empty());
    auto done = std::move(pending.front());
    pending.erase(pending.begin());
    token_outcome out;
    out.ok = true;
    out.token.value = value;
    out.token.expires_at = now + lifetime;
    done(out);
  }
  void fail(token_errc code, bool transient) {
    REQUIRE_FALSE(pending.empty());
    auto done = std::move(pending.front());
    pending.erase(pending.begin());
    token_outcome out;
    out.error = code;
    out.transient = transient;
    out.message = "AADSTS7000215: the client secret is wrong";
    done(out);
  }
};

} // namespace

TEST_CASE("callers arriving during a fetch share it", "[adapters][token_cache]") {
  harness h;
  h.get();
  h.get();
  h.get(true);  // a forced refresh joins the fetch in flight
  CHECK(h.pending.size() == 1);
  CHECK(h.answers.empty());
  h.succeed("t1");
  REQUIRE(h.answers.size() == 3);
  for (auto& a : h.answers)
    CHECK(a.value() == "t1");
  CHECK(h.cache.fetches() == 1);
}

TEST_CASE("a fresh token is served from the cache, and refreshed ahead of expiry",
          "[adapters][token_cache]") {
  harness h;
  h.get();
  h.succeed("t1");
  h.now += 50min;  // 10 min left: still fresh (refresh_ahead is 5 min)
  h.get();
  CHECK(h.pending.empty());
  CHECK(h.answers.back().value() == "t1");
  h.now += 6min;  // 4 min left: served, and one background fetch starts
  h.get();
  h.get();
  CHECK(h.answers.back().value() == "t1");
  CHECK(h.pending.size() == 1);
  h.succeed("t2");
  h.get();
  CHECK(h.answers.back().value() == "t2");
  CHECK(h.cache.fetches() == 2);
}

TEST_CASE("an expired token is never served; a forced refresh bypasses a fresh one",
          "[adapters][token_cache]") {
  harness h;
  h.get();
  h.succeed("t1", 600s);
  h.now += 601s;
  h.get();
  CHECK(h.answers.size() == 1);  // waiting for the new token
  h.succeed("t2");
  CHECK(h.answers.back().value() == "t2");
  h.get(true);
  CHECK(h.pending.size() == 1);
  h.succeed("t3");
  CHECK(h.answers.back().value() == "t3");
}

TEST_CASE("a credential failure is reported and retried only slowly", "[adapters][token_cache]") {
  harness h;
  h.get();
  h.fail(token_errc::invalid_secret, false);
  REQUIRE_FALSE(h.answers.back().has_value());
  CHECK(h.answers.back().error().message().find("AADSTS7000215") != std::string::npos);
  REQUIRE(h.cache.last_failure().has_value());
  CHECK(h.cache.last_failure()->error == token_errc::invalid_secret);
  h.now += 299s;
  h.get();  // within the 5 min wait: answered at once from the failure, no new fetch
  CHECK(h.pending.empty());
  CHECK_FALSE(h.answers.back().has_value());
  h.now += 2s;
  h.get();
  CHECK(h.pending.size() == 1);
  h.succeed("t1");
  CHECK(h.answers.back().value() == "t1");
  CHECK_FALSE(h.cache.last_failure().has_value());
}

TEST_CASE("transient failures back off exponentially from 5 s", "[adapters][token_cache]") {
  harness h;
  h.get();
  h.fail(token_errc::endpoint_error, true);
  h.now += 4s;
  h.get();
  CHECK(h.pending.empty());
  h.now += 1s;
  h.get();
  REQUIRE(h.pending.size() == 1);
  h.fail(token_errc::endpoint_error, true);  // second failure: 10 s
  h.now += 9s;
  h.get();
  CHECK(h.pending.empty());
  h.now += 1s;
  h.get();
  CHECK(h.pending.size() == 1);
}
