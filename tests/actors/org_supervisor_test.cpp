// The org supervisor on its own, on CAF's test coordinator: a tenant whose supervisor keeps
// failing is restarted with a growing backoff and parked after max_tenant_failures; an operator's
// enable or put counts afresh; disabled, restarting and parked are told apart.
#include <catch2/catch.hpp>

#include <spdlog/logger.h>

#include "actors/org_supervisor.hpp"
#include "fake_graph.hpp"
#include "scripted_port.hpp"
#include "tests/support/deterministic_system.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

tenant_settings make_tenant(const tenant_id& id) {
  tenant_settings t;
  t.id = id;
  t.graph = "http://127.0.0.1:1/v1.0";
  t.folders = {"inbox"};
  return t;
}

/// Two tenants (contoso, fabrikam), one user each. fail(t) makes the running supervisor of t
/// fail: its port throws on the next token request, so its token actor fails, and with it the
/// supervisor (a restarted supervisor gets a new port that works until fail() again).
struct org_fixture {
  deterministic_system ds;
  std::shared_ptr<scripted_port_factory> ports = std::make_shared<scripted_port_factory>();
  std::shared_ptr<fake_store> store = std::make_shared<fake_store>();
  persistence_actor persistence = spawn_fake_persistence(ds.sys(), store);
  org_actor org;

  org_fixture() {
    engine_config cfg;
    cfg.tenants = {make_tenant("contoso"), make_tenant("fabrikam")};
    cfg.users = {{"c1", "contoso", "c1@contoso.com", "", 0},
                 {"f1", "fabrikam", "f1@fabrikam.com", "", 0}};
    cfg.ports = ports;
    cfg.persistence = persistence;
    cfg.make_logger = [](const tenant_id& id) {
      return std::make_shared<spdlog::logger>("tenant:" + id);  // no sinks: quiet
    };
    cfg.tuning.sync_at_start = false;
    cfg.tuning.restart_base = 1s;
    cfg.tuning.restart_cap = 5min;
    cfg.tuning.restart_healthy_after = 10min;
    cfg.tuning.max_tenant_failures = 3;
    org = spawn_org_supervisor(ds.sys(), std::move(cfg));
    ds.run();
  }

  ~org_fixture() {
    caf::anon_send_exit(org, caf::exit_reason::user_shutdown);
    ds.run();
    caf::anon_send_exit(persistence, caf::exit_reason::user_shutdown);
    ds.run();
  }

  tenant_status status(const tenant_id& id) {
    auto r = ds.ask<tenant_status>(org, status_atom_v, id);
    REQUIRE(r.value);
    return *r.value;
  }

  reply<round_report> sync(const tenant_id& id) {
    return ds.ask<round_report>(org, sync_atom_v, id);
  }

  tenant_status enable(const tenant_id& id, bool on) {
    auto r = ds.ask<tenant_status>(org, enable_atom_v, id, on);
    REQUIRE(r.value);
    return *r.value;
  }

  /// Makes the running supervisor of `id` fail: a sync asks its port for a token, which throws.
  void fail(const tenant_id& id) {
    REQUIRE(status(id).state == tenant_state::running);
    ports->latest(id)->throw_on_token_request = true;
    auto r = sync(id);
    REQUIRE(r.answered());
    CHECK(r.error == sync_errc::shutting_down);  // the round's answer when its tenant stops
  }

  std::optional<caf::timespan> next_restart() const { return ds.next_delay(org, restart_atom_v); }

  /// Moves the clock to the pending restart.
  void restart() {
    auto wait = next_restart();
    REQUIRE(wait);
    ds.advance(*wait);
  }

  size_t ports_made_for(const tenant_id& id) const {
    return std::count_if(ports->made.begin(), ports->made.end(),
                         [&](auto& entry) { return entry.first == id; });
  }
};

} // namespace

TEST_CASE_METHOD(org_fixture,
                 "a tenant whose supervisor keeps failing is restarted after a growing backoff, "
                 "then parked after max_tenant_failures; other tenants run on",
                 "[actors][org]") {
  for (uint32_t k = 1; k <= 2; ++k) {
    fail("contoso");
    auto st = status("contoso");
    CHECK(st.state == tenant_state::restarting);
    CHECK(st.last_error.find("runtime_error") != std::string::npos);
    CHECK(st.restarts == k - 1);
    auto wait = next_restart();
    REQUIRE(wait);
    CHECK(*wait >= 500ms);
    CHECK(*wait <= 1s * (1 << (k - 1)));
    ds.advance(*wait - 1ms);
    CHECK(status("contoso").state == tenant_state::restarting);
    CHECK(ports_made_for("contoso") == k);
    ds.advance(1ms);
    st = status("contoso");
    CHECK(st.state == tenant_state::running);
    CHECK(st.restarts == k);
    CHECK(ports_made_for("contoso") == k + 1);
  }
  fail("contoso");  // the third failure in a row
  auto st = status("contoso");
  CHECK(st.state == tenant_state::parked);
  CHECK(st.last_error.find("runtime_error") != std::string::npos);
  CHECK_FALSE(next_restart());
  CHECK(sync("contoso").error == sync_errc::tenant_parked);
  CHECK(ports_made_for("contoso") == 3);

  auto other = status("fabrikam");
  CHECK(other.state == tenant_state::running);
  CHECK(other.restarts == 0);
  auto round = sync("fabrikam");
  REQUIRE(round.value);
  CHECK(round.value->errors.empty());
  CHECK(ports_made_for("fabrikam") == 1);
}

TEST_CASE_METHOD(org_fixture, "enabling or putting a parked tenant counts its failures afresh",
                 "[actors][org]") {
  auto park = [&] {
    for (int k = 1; k <= 3; ++k) {
      fail("contoso");
      if (k < 3)
        restart();
    }
    REQUIRE(status("contoso").state == tenant_state::parked);
  };
  park();
  CHECK(enable("contoso", true).state == tenant_state::running);
  fail("contoso");  // the first failure of a new count: restarted, with the first delay
  CHECK(status("contoso").state == tenant_state::restarting);
  auto wait = next_restart();
  REQUIRE(wait);
  CHECK(*wait <= 1s);
  restart();
  fail("contoso");
  restart();
  fail("contoso");
  CHECK(status("contoso").state == tenant_state::parked);  // three in a row again

  auto put = ds.ask<tenant_status>(org, put_atom_v, make_tenant("contoso"));
  REQUIRE(put.value);
  CHECK(put.value->state == tenant_state::running);
  fail("contoso");
  CHECK(status("contoso").state == tenant_state::restarting);
}

TEST_CASE_METHOD(org_fixture, "disabled, restarting and parked tenants are told apart",
                 "[actors][org]") {
  fail("contoso");
  CHECK(status("contoso").state == tenant_state::restarting);
  auto wait = next_restart();
  REQUIRE(wait);

  // Disabled while a restart is pending: the restart does not start it.
  CHECK(enable("contoso", false).state == tenant_state::disabled);
  CHECK(sync("contoso").error == sync_errc::tenant_disabled);
  ds.advance(*wait);
  CHECK(status("contoso").state == tenant_state::disabled);
  CHECK(ports_made_for("contoso") == 1);

  CHECK(enable("contoso", true).state == tenant_state::running);
  for (int k = 1; k <= 3; ++k) {
    fail("contoso");
    if (k < 3)
      restart();
  }
  auto all = ds.ask<std::vector<tenant_status>>(org, status_atom_v);
  REQUIRE(all.value);
  REQUIRE(all.value->size() == 2);
  CHECK(all.value->at(0).tenant == "contoso");
  CHECK(all.value->at(0).state == tenant_state::parked);
  CHECK(all.value->at(1).state == tenant_state::running);

  CHECK(enable("contoso", false).state == tenant_state::disabled);
  CHECK(sync("contoso").error == sync_errc::tenant_disabled);
}

TEST_CASE_METHOD(org_fixture,
                 "a tenant that ran restart_healthy_after before failing starts a new count",
                 "[actors][org]") {
  fail("contoso");
  restart();
  fail("contoso");
  restart();
  ds.advance(10min);  // healthy for restart_healthy_after
  fail("contoso");    // the third failure, but not in a row
  CHECK(status("contoso").state == tenant_state::restarting);
  auto wait = next_restart();
  REQUIRE(wait);
  CHECK(*wait <= 1s);  // and the backoff starts from its first step
}
