// The tenant supervisor on its own, on CAF's test coordinator: a failed stream actor restarts
// alone after its backoff (and not before), the backoff grows and starts afresh after a healthy
// run, a failed token actor stops the tenant, and a tenant without a port is parked.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

#include <spdlog/logger.h>

#include "actors/fault_injection.hpp"
#include "actors/tenant_supervisor.hpp"
#include "fake_graph.hpp"
#include "scripted_port.hpp"
#include "tests/support/deterministic_system.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

/// What the test parent saw of the supervisor it spawned (linked, as the org does).
struct parent_view {
  tenant_actor tenant;
  std::optional<caf::error> exit_reason;  ///< set when the supervisor ended
};

struct tenant_fixture {
  deterministic_system ds;
  std::shared_ptr<scripted_port_factory> ports = std::make_shared<scripted_port_factory>();
  std::shared_ptr<fake_store> store = std::make_shared<fake_store>();
  persistence_actor persistence = spawn_fake_persistence(ds.sys(), store);
  std::shared_ptr<parent_view> view = std::make_shared<parent_view>();
  caf::actor parent;
  engine_tuning tuning;

  tenant_fixture() {
    tuning.sync_at_start = false;  // rounds run when the test asks for one
    tuning.restart_base = 1s;
    tuning.restart_cap = 5min;
    tuning.restart_healthy_after = 10min;
  }

  ~tenant_fixture() {
    if (parent)
      caf::anon_send_exit(parent, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(persistence, caf::exit_reason::user_shutdown);
    ds.run();
  }

  /// Spawns the supervisor of "contoso" (users u1 and u2) from a parent actor.
  void start() {
    tenant_context ctx;
    ctx.settings.id = "contoso";
    ctx.settings.graph = "http://127.0.0.1:1/v1.0";
    ctx.settings.folders = {"inbox"};
    ctx.users = {{"u1", "contoso", "u1@contoso.com", "", 0},
                 {"u2", "contoso", "u2@contoso.com", "", 0}};
    ctx.ports = ports;
    ctx.persistence = persistence;
    ctx.log = std::make_shared<spdlog::logger>("tenant:contoso");  // no sinks: quiet
    ctx.tuning = tuning;
    auto parent_impl = [](caf::event_based_actor* self, std::shared_ptr<parent_view> view,
                          tenant_context ctx) -> caf::behavior {
      self->set_exit_handler([self, view](caf::exit_msg& msg) {
        if (view->tenant && msg.source == view->tenant.address())
          view->exit_reason = msg.reason;
        else
          self->quit(msg.reason);
      });
      view->tenant = spawn_tenant_supervisor(self, std::move(ctx));
      return {[](caf::ok_atom) {}};
    };
    parent = ds.sys().spawn(parent_impl, view, std::move(ctx));
    ds.run();
    REQUIRE(view->tenant);
  }

  tenant_status status() {
    auto r = ds.ask<tenant_status>(view->tenant, status_atom_v);
    REQUIRE(r.value);
    return *r.value;
  }

  reply<round_report> sync() { return ds.ask<round_report>(view->tenant, sync_atom_v); }

  /// Makes the user's mailbox actor fail (fault_injection.hpp).
  void crash(const user_id& user) {
    ds.send(caf::actor_cast<tenant_with_fault_injection>(view->tenant), crash_atom_v, user);
    ds.run();
  }

  std::optional<caf::timespan> next_restart() const {
    return ds.next_delay(view->tenant, restart_atom_v);
  }
};

const mailbox_status& stream_of(const tenant_status& st, const user_id& user, stream_kind kind) {
  auto i = std::find_if(st.mailboxes.begin(), st.mailboxes.end(),
                        [&](const mailbox_status& m) { return m.user == user && m.kind == kind; });
  REQUIRE(i != st.mailboxes.end());
  return *i;
}

} // namespace

TEST_CASE_METHOD(tenant_fixture,
                 "a failed mailbox actor waits in backoff, is restarted after its delay and not "
                 "before, and the other actors are untouched",
                 "[actors][tenant]") {
  start();
  auto first = sync();
  REQUIRE(first.value);
  CHECK(first.value->errors.empty());
  CHECK(first.value->mailboxes == 2);
  CHECK(first.value->calendars == 2);

  crash("u1");
  auto st = status();
  CHECK(st.state == tenant_state::degraded);
  CHECK(st.restarts == 1);
  CHECK(st.mailboxes.size() == 4);
  auto& waiting = stream_of(st, "u1", stream_kind::mail);
  CHECK(waiting.state == mailbox_state::backoff);
  CHECK(waiting.last_error.find("injected crash") != std::string::npos);
  // Everything else runs on: the same actors, with what they did in the first round.
  CHECK(stream_of(st, "u1", stream_kind::calendar).state == mailbox_state::idle);
  CHECK(stream_of(st, "u1", stream_kind::calendar).pages == 1);
  for (auto kind : {stream_kind::mail, stream_kind::calendar}) {
    CHECK(stream_of(st, "u2", kind).state == mailbox_state::idle);
    CHECK(stream_of(st, "u2", kind).pages == 1);
  }

  auto wait = next_restart();
  REQUIRE(wait);
  CHECK(*wait >= 500ms);  // the first delay: [base/2, base]
  CHECK(*wait <= 1s);
  ds.advance(*wait - 1ms);
  CHECK(stream_of(status(), "u1", stream_kind::mail).state == mailbox_state::backoff);
  ds.advance(1ms);
  st = status();
  CHECK(st.state == tenant_state::running);
  auto& restarted = stream_of(st, "u1", stream_kind::mail);
  CHECK(restarted.state == mailbox_state::idle);
  CHECK(restarted.pages == 0);  // a new actor
  CHECK(restarted.last_error.empty());
  CHECK(stream_of(st, "u2", stream_kind::mail).pages == 1);  // not restarted

  auto second = sync();
  REQUIRE(second.value);
  CHECK(second.value->errors.empty());
  CHECK(second.value->mailboxes == 2);
}

TEST_CASE_METHOD(tenant_fixture,
                 "the restart delay grows while a mailbox keeps failing and starts afresh once "
                 "it ran restart_healthy_after",
                 "[actors][tenant]") {
  start();
  std::vector<caf::timespan> delays;
  for (int k = 1; k <= 8; ++k) {
    crash("u1");  // fails at once after each restart
    auto wait = next_restart();
    REQUIRE(wait);
    delays.push_back(*wait);
    CHECK(*wait >= 500ms);
    CHECK(*wait <= std::min<caf::timespan>(1s * (1 << (k - 1)), 5min));
    ds.advance(*wait);
    CHECK(stream_of(status(), "u1", stream_kind::mail).state == mailbox_state::idle);
  }
  // Full jitter from base/2: seven delays all within the first step's ceiling would mean the
  // ceiling does not grow (the chance of that when it does is below 1e-9).
  CHECK(std::any_of(delays.begin() + 1, delays.end(), [](auto d) { return d > 1s; }));

  // It runs healthy for restart_healthy_after: the next failures count from the first step
  // again (without the reset each would wait up to the cap: 256 s, then 5 min).
  ds.advance(10min);
  for (int k = 1; k <= 3; ++k) {
    crash("u1");
    auto wait = next_restart();
    REQUIRE(wait);
    CHECK(*wait >= 500ms);
    CHECK(*wait <= 1s * (1 << (k - 1)));
    ds.advance(*wait);
  }
  CHECK(status().restarts == 11);
}

TEST_CASE_METHOD(tenant_fixture,
                 "a mailbox unassigned while it waits for its restart is not restarted",
                 "[actors][tenant]") {
  start();
  crash("u1");
  auto wait = next_restart();
  REQUIRE(wait);
  ds.send(view->tenant, unassign_atom_v, user_id{"u1"});
  ds.run();
  ds.advance(*wait);
  auto st = status();
  CHECK(st.state == tenant_state::running);
  REQUIRE(st.mailboxes.size() == 2);
  for (auto& m : st.mailboxes)
    CHECK(m.user == "u2");
}

TEST_CASE_METHOD(tenant_fixture,
                 "when the token actor fails the whole tenant stops, and a waiting sync is "
                 "answered",
                 "[actors][tenant]") {
  ports->prepare = [](const tenant_settings&, scripted_port& p) {
    p.throw_on_token_request = true;  // a defect in the port: the token actor fails with it
  };
  start();
  auto port = ports->latest("contoso");
  REQUIRE(port);
  const auto running = ds.sys().registry().running();
  auto round = sync();  // the streams ask for a token
  REQUIRE(view->exit_reason);
  // CAF's default exception handler ends the actor with runtime_error (and prints the
  // exception's text to stderr: "*** unhandled exception: [... token_actor ...]").
  CHECK(*view->exit_reason == caf::sec::runtime_error);
  REQUIRE(round.answered());
  CHECK(round.error == sync_errc::shutting_down);
  CHECK(port->stopped);  // nothing of the tenant is requested any more
  // The supervisor, its token actor and the four stream actors are gone; nothing restarts.
  CHECK(ds.sys().registry().running() == running - 6);
  CHECK_FALSE(next_restart());
}

TEST_CASE_METHOD(tenant_fixture,
                 "a tenant whose port cannot be built is parked with the reason, and a sync "
                 "reports it",
                 "[actors][tenant]") {
  ports->refuse = caf::make_error(sync_errc::tenant_parked, "graph endpoint refused");
  start();
  auto st = status();
  CHECK(st.state == tenant_state::parked);
  CHECK(st.last_error.find("graph endpoint refused") != std::string::npos);
  CHECK(st.mailboxes.empty());
  auto round = sync();
  REQUIRE(round.value);
  REQUIRE(round.value->errors.size() == 1);
  CHECK(round.value->errors.front().find("tenant parked") != std::string::npos);
  CHECK(round.value->errors.front().find("graph endpoint refused") != std::string::npos);
  CHECK(round.value->mailboxes == 0);
  CHECK_FALSE(view->exit_reason);  // parked, not failed: the org does not restart it
}
