// The sync engine's supervision and stream logic against an in-memory Graph and store:
// every tenant isolated, runtime changes without restart, failures classified.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "actors/fault_injection.hpp"
#include "tests/support/engine_status.hpp"
#include "actors/org_supervisor.hpp"
#include "fake_graph.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

struct engine_config_for_tests : caf::actor_system_config {
  engine_config_for_tests() {
    register_message_types(*this);
    set("scheduler.max-threads", 2);
  }
};

tenant_settings make_tenant(const std::string& id) {
  tenant_settings t;
  t.id = id;
  t.graph = "http://127.0.0.1:1/v1.0";
  t.folders = {"inbox", "sentitems"};
  t.email_interval_s = 3600;
  t.calendar_interval_s = 3600;
  return t;
}

/// Two tenants with two users each, three emails per inbox (two pages of three... at page 3).
struct engine_fixture {
  engine_config_for_tests cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<fake_graph> graph = std::make_shared<fake_graph>();
  std::shared_ptr<fake_store> store = std::make_shared<fake_store>();
  org_actor org;
  persistence_actor persistence;

  engine_fixture() {
    for (auto tenant : {"contoso", "fabrikam"})
      for (int u = 1; u <= 2; ++u) {
        auto mbx = std::string{"user"} + std::to_string(u) + "@" + tenant + ".com";
        for (int m = 0; m < 5; ++m)
          graph->add_email(mbx, "inbox",
                           make_email(std::string{tenant} + "-" + std::to_string(u) + "-m"
                                        + std::to_string(m),
                                      "hello " + std::to_string(m)));
        graph->add_email(mbx, "sentitems",
                         make_email(std::string{tenant} + "-" + std::to_string(u) + "-s",
                                    "sent"));
      }
    engine_config ec;
    ec.tenants = {make_tenant("contoso"), make_tenant("fabrikam")};
    for (auto tenant : {"contoso", "fabrikam"})
      for (int u = 1; u <= 2; ++u)
        ec.users.push_back({std::string{tenant} + "-u" + std::to_string(u), tenant,
                            std::string{"user"} + std::to_string(u) + "@" + tenant + ".com",
                            "", 0});
    ec.ports = graph->factory();
    persistence = spawn_fake_persistence(sys, store);
    ec.persistence = persistence;
    ec.load_link = [s = store](auto& t, auto& u, auto& f) { return s->load(t, u, f); };
    ec.tuning.sync_at_start = false;
    ec.tuning.restart_base = 10ms;
    ec.tuning.retry_base = 5ms;
    ec.tuning.token_parked_retry = 1h;
    org = spawn_org_supervisor(sys, std::move(ec));
  }

  ~engine_fixture() { self->send_exit(org, caf::exit_reason::user_shutdown); }

  round_report sync(const tenant_id& tenant) {
    round_report out;
    self->request(org, 30s, sync_atom_v, tenant)
      .receive([&](round_report& r) { out = std::move(r); },
               [&](caf::error& err) { FAIL("sync failed: " << sys.render(err)); });
    return out;
  }

  caf::error sync_error(const tenant_id& tenant) {
    caf::error out;
    self->request(org, 30s, sync_atom_v, tenant)
      .receive([&](round_report&) {}, [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  tenant_status status(const tenant_id& tenant) {
    tenant_status out;
    self->request(org, 30s, status_atom_v, tenant)
      .receive([&](tenant_status& s) { out = std::move(s); },
               [&](caf::error& err) { FAIL("status failed: " << sys.render(err)); });
    return out;
  }
};

} // namespace

TEST_CASE_METHOD(engine_fixture, "a sync round brings every mailbox of a tenant to its delta link",
                 "[engine]") {
  auto report = sync("contoso");
  CHECK(report.errors.empty());
  CHECK(report.mailboxes == 2);
  CHECK(report.items == 12);
  CHECK(store->count_for("contoso") == 12);
  CHECK(store->count_for("fabrikam") == 0);  // other tenants untouched
  auto link = store->load("contoso", "contoso-u1", "inbox");
  REQUIRE(link);
  CHECK(link->phase == sync_phase::caught_up);
  CHECK(link->url == "delta:5");
}

TEST_CASE_METHOD(engine_fixture,
                 "a mailbox whose links cannot be read fails instead of starting over",
                 "[engine]") {
  sync("contoso");
  store->fail_loads = true;
  self->send(caf::actor_cast<org_with_fault_injection>(org), crash_atom_v, tenant_id{"contoso"}, user_id{"contoso-u1"});
  // The restarted actor cannot read its links: it keeps failing (and being restarted with
  // backoff) rather than refetching the mailbox from scratch.
  tenant_status st;
  for (int i = 0; i < 500 && st.restarts < 3; ++i) {
    st = status("contoso");
    self->receive(caf::after(std::chrono::milliseconds{10}) >> [] {});
  }
  CHECK(st.restarts >= 3);
  auto urls = graph->fetched_urls("contoso");
  CHECK(std::count(urls.begin(), urls.end(), "") == 4);  // only the first round's initial fetches
  store->fail_loads = false;
}

TEST_CASE_METHOD(engine_fixture,
                 "a sync waiting on a mailbox that is stopped gets an answer, not silence",
                 "[engine]") {
  fake_faults faults;
  faults.hang = true;  // the round cannot finish on its own
  graph->set_faults("contoso", faults);
  auto pending = self->request(org, std::chrono::seconds{30}, sync_atom_v, tenant_id{"contoso"});
  tenant_status st;
  self->request(org, std::chrono::seconds{10}, enable_atom_v, tenant_id{"contoso"}, false)
    .receive([&](tenant_status& s) { st = s; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  caf::error answer;
  std::move(pending).receive([&](round_report&) { FAIL("the round cannot have finished"); },
                             [&](caf::error& err) { answer = err; });
  CHECK(answer == sync_errc::shutting_down);
  graph->set_faults("contoso", fake_faults{});
}

TEST_CASE_METHOD(engine_fixture, "the next round fetches only changes from the delta link",
                 "[engine]") {
  sync("contoso");
  graph->add_email("user1@contoso.com", "inbox", make_email("contoso-1-new", "new"));
  graph->remove_email("user1@contoso.com", "inbox", "contoso-1-m0");
  auto report = sync("contoso");
  CHECK(report.items == 1);
  CHECK(report.removed == 1);
  CHECK(store->count_for("contoso") == 12);
  auto urls = graph->fetched_urls("contoso");
  CHECK(std::count(urls.begin(), urls.end(), "delta:5") == 2);  // both users' inboxes
}

TEST_CASE_METHOD(engine_fixture, "410 Gone on a delta link restarts the folder as a resync",
                 "[engine]") {
  sync("contoso");
  fake_faults faults;
  faults.gone_on_next_delta = true;
  graph->set_faults("contoso", faults);
  auto report = sync("contoso");
  CHECK(report.errors.empty());
  bool resynced = false;
  for (auto user : {"contoso-u1", "contoso-u2"})
    for (auto folder : {"inbox", "sentitems"}) {
      auto link = store->load("contoso", user, folder);
      REQUIRE(link);
      CHECK(link->url.rfind("delta:", 0) == 0);
      if (link->generation == 1) {
        resynced = true;
        // The final page of a resync is stored with phase resync: the store sweeps older records.
        CHECK(link->phase == sync_phase::resync);
      }
    }
  CHECK(resynced);
  CHECK(store->count_for("contoso") == 12);
}

TEST_CASE_METHOD(engine_fixture, "transient failures are retried within the round", "[engine]") {
  fake_faults faults;
  faults.transient_failures = 3;
  graph->set_faults("contoso", faults);
  auto report = sync("contoso");
  CHECK(report.errors.empty());
  CHECK(store->count_for("contoso") == 12);
}

TEST_CASE_METHOD(engine_fixture, "a 401 forces one token refresh and the page is fetched again",
                 "[engine]") {
  fake_faults faults;
  faults.unauthorized_once = true;
  graph->set_faults("contoso", faults);
  auto report = sync("contoso");
  CHECK(report.errors.empty());
  CHECK(store->count_for("contoso") == 12);
  CHECK(graph->token_requests("contoso") == 2);  // the first token, then one forced refresh
}

TEST_CASE_METHOD(engine_fixture,
                 "a refused credential parks its tenant with the AADSTS code; others go on",
                 "[engine]") {
  fake_faults faults;
  faults.token_error = caf::make_error(token_errc::invalid_secret, "AADSTS7000215");
  graph->set_faults("fabrikam", faults);
  auto bad = sync("fabrikam");
  CHECK(bad.failed_mailboxes == 2);
  REQUIRE_FALSE(bad.errors.empty());
  auto good = sync("contoso");
  CHECK(good.errors.empty());
  CHECK(store->count_for("contoso") == 12);
  CHECK(store->count_for("fabrikam") == 0);
  auto st = status("fabrikam");
  CHECK(st.state == tenant_state::parked);
  CHECK(st.last_error.find("AADSTS7000215") != std::string::npos);
  // Parked: further rounds do not hammer the identity platform.
  auto before = graph->token_requests("fabrikam");
  sync("fabrikam");
  CHECK(graph->token_requests("fabrikam") == before);
}

TEST_CASE_METHOD(engine_fixture, "a crashed mailbox actor is restarted alone from its links",
                 "[engine]") {
  sync("contoso");
  sync("fabrikam");
  self->send(caf::actor_cast<org_with_fault_injection>(org), crash_atom_v, tenant_id{"contoso"}, user_id{"contoso-u1"});
  // Wait (bounded) until the supervisor has restarted it: the status lists the mailbox again.
  tenant_status st;
  for (int i = 0; i < 500; ++i) {
    st = status("contoso");
    if (st.restarts >= 1 && st.mailboxes.size() == 4 && every_stream_idle(st))
      break;
    self->receive(caf::after(std::chrono::milliseconds{10}) >> [] {});
  }
  CHECK(st.restarts >= 1);
  REQUIRE(st.mailboxes.size() == 4);
  CHECK(status("fabrikam").restarts == 0);
  graph->add_email("user1@contoso.com", "inbox", make_email("after-crash", "x"));
  auto report = sync("contoso");
  CHECK(report.items == 1);  // resumed from the stored delta link, not from scratch
}

TEST_CASE_METHOD(engine_fixture,
                 "disabling a tenant stops its requests; enabling resumes from stored links",
                 "[engine]") {
  sync("contoso");
  tenant_status st;
  self->request(org, 10s, enable_atom_v, tenant_id{"contoso"}, false)
    .receive([&](tenant_status& s) { st = s; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(st.state == tenant_state::disabled);
  auto requests_when_disabled = graph->fetched_urls("contoso").size();
  CHECK(sync_error("contoso") == sync_errc::tenant_disabled);
  CHECK(sync("fabrikam").errors.empty());
  CHECK(graph->fetched_urls("contoso").size() == requests_when_disabled);
  self->request(org, 10s, enable_atom_v, tenant_id{"contoso"}, true)
    .receive([&](tenant_status& s) { st = s; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(st.state == tenant_state::running);
  auto report = sync("contoso");
  CHECK(report.items == 0);
  auto urls = graph->fetched_urls("contoso");
  for (size_t i = requests_when_disabled; i < urls.size(); ++i)
    CHECK(urls[i].rfind("delta:", 0) == 0);  // no initial round again
}

TEST_CASE_METHOD(engine_fixture, "a tenant added at runtime syncs without a restart",
                 "[engine]") {
  graph->add_email("user1@northwind.com", "inbox", make_email("nw-1", "hi"));
  tenant_status st;
  self->request(org, 10s, put_atom_v, make_tenant("northwind"))
    .receive([&](tenant_status& s) { st = s; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(st.state == tenant_state::running);
  bool assigned = false;
  self->request(org, 10s, assign_atom_v,
                user_assignment{"nw-u1", "northwind", "user1@northwind.com", "", 0})
    .receive([&](bool ok) { assigned = ok; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(assigned);
  auto report = sync("northwind");
  CHECK(report.items == 1);
  CHECK(store->count_for("northwind") == 1);
}

TEST_CASE_METHOD(engine_fixture, "a user moved to another tenant is synced from there only",
                 "[engine]") {
  graph->add_email("adele@fabrikam.com", "inbox", make_email("moved-1", "hi"));
  self->request(org, 10s, assign_atom_v,
                user_assignment{"contoso-u1", "fabrikam", "adele@fabrikam.com", "", 0})
    .receive([&](bool) {}, [&](caf::error& e) { FAIL(sys.render(e)); });
  auto contoso = sync("contoso");
  CHECK(contoso.mailboxes == 1);
  auto fabrikam = sync("fabrikam");
  CHECK(fabrikam.mailboxes == 3);
  CHECK(store->count_for("fabrikam") >= 1);
}

TEST_CASE_METHOD(engine_fixture, "unknown tenants and bad ids are refused with clear errors",
                 "[engine]") {
  CHECK(sync_error("nope") == sync_errc::unknown_tenant);
  caf::error err;
  self->request(org, 10s, put_atom_v, make_tenant("Bad/Id"))
    .receive([&](tenant_status&) {}, [&](caf::error& e) { err = e; });
  CHECK(err == config_errc::invalid_value);
}

TEST_CASE_METHOD(engine_fixture,
                 "when the store writer stops, every tenant stops and the org ends with its reason",
                 "[engine]") {
  CHECK(sync("contoso").errors.empty());
  self->monitor(org);
  auto reason = caf::make_error(store_errc::corrupted, "MDB_CORRUPTED: page checksum");
  self->send_exit(persistence, reason);
  caf::error org_reason;
  bool org_down = false;
  self->receive(
    [&](caf::down_msg& msg) {
      org_down = msg.source == org.address();
      org_reason = msg.reason;
    },
    caf::after(10s) >> [] {});
  REQUIRE(org_down);
  CHECK(org_reason == reason);
  // A sync request fails at once instead of fetching pages nobody could store.
  bool refused = false;
  self->request(org, 5s, sync_atom_v, tenant_id{"fabrikam"})
    .receive([](round_report&) {}, [&](caf::error&) { refused = true; });
  CHECK(refused);
}

TEST_CASE_METHOD(engine_fixture,
                 "a user given another mailbox of the same tenant resyncs it instead of following "
                 "the old mailbox's link",
                 "[engine]") {
  CHECK(sync("contoso").errors.empty());
  auto old_link = store->load("contoso", "contoso-u1", "inbox");
  REQUIRE(old_link);
  CHECK(old_link->mailbox == "user1@contoso.com");
  graph->add_email("user9@contoso.com", "inbox", make_email("contoso-9-m0", "new mailbox"));
  graph->add_email("user9@contoso.com", "inbox", make_email("contoso-9-m1", "new mailbox"));

  bool assigned = false;
  self->request(org, 5s, assign_atom_v,
                user_assignment{"contoso-u1", "contoso", "user9@contoso.com", "", 0})
    .receive([&](bool ok) { assigned = ok; }, [&](caf::error& err) { FAIL(sys.render(err)); });
  REQUIRE(assigned);
  CHECK(sync("contoso").errors.empty());

  // The old link (a delta of user1's inbox) would have found nothing new in user9's inbox.
  for (auto id : {"contoso-9-m0", "contoso-9-m1"}) {
    std::lock_guard<std::mutex> guard{store->mutex};
    CHECK(store->emails.count(std::string("contoso|contoso-u1|") + id) == 1);
  }
  auto link = store->load("contoso", "contoso-u1", "inbox");
  REQUIRE(link);
  CHECK(link->mailbox == "user9@contoso.com");
  // A resync: its final page makes the store sweep what only user1's inbox had.
  CHECK(link->generation == old_link->generation + 1);
  // The other user of the tenant follows its own link as before.
  auto other = store->load("contoso", "contoso-u2", "inbox");
  REQUIRE(other);
  CHECK(other->generation == 0);
}
