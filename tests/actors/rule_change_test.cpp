// A rule change through the rule evaluator applies to a running engine from the next page, with
// no restart: the engine (org, tenant supervisor, mailbox actor) on the in-memory Graph, the
// evaluator over a real store. A page decided before the change keeps what it included; the
// next page the mailbox fetches is decided by the new set.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "actors/org_supervisor.hpp"
#include "actors/rule_evaluator.hpp"
#include "fake_graph.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;
using namespace m365::test;
using namespace std::chrono_literals;

namespace {

struct rule_change_config : caf::actor_system_config {
  rule_change_config() {
    register_message_types(*this);
    set("scheduler.max-threads", 2);
  }
};

const char* const mailbox = "adele@contoso.com";

std::string key(const std::string& id) { return "contoso|u-1|" + id; }

} // namespace

TEST_CASE("a rule put through the evaluator excludes from the next page on, with no restart",
          "[engine][rules][evaluator]") {
  temp_directory dir;
  std::shared_ptr<lmdb_store> rules_store{open_store(dir.path())};
  tenant_settings contoso;
  contoso.id = "contoso";
  contoso.graph = "http://127.0.0.1:1/v1.0";
  contoso.folders = {"inbox"};
  contoso.email_interval_s = 3600;
  contoso.calendar_interval_s = 3600;
  user_assignment adele{"u-1", "contoso", mailbox, "", 1};
  REQUIRE(rules_store->put_tenant(contoso));
  REQUIRE(rules_store->put_user(adele));

  rule_change_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto graph = std::make_shared<fake_graph>();
  auto pages = std::make_shared<fake_store>();
  pages->rule_store = rules_store;  // the writer writes rule changes where the evaluator reads
  graph->add_email(mailbox, "inbox", make_email("m1", "Weekly Newsletter"));
  graph->add_email(mailbox, "inbox", make_email("m2", "Project update"));

  auto persistence = spawn_fake_persistence(sys, pages);
  rule_evaluator_options ro;
  ro.store = rules_store;
  ro.persistence = persistence;
  auto evaluator = spawn_rule_evaluator(sys, ro);
  REQUIRE(evaluator.has_value());
  engine_config ec;
  ec.tenants = {contoso};
  ec.users = {adele};
  ec.ports = graph->factory();
  ec.persistence = persistence;
  ec.rules = *evaluator;
  ec.load_link = [pages](auto& t, auto& u, auto& f) { return pages->load(t, u, f); };
  ec.tuning.sync_at_start = false;
  auto org = spawn_org_supervisor(sys, std::move(ec));
  auto sync = [&] {
    round_report out;
    self->request(org, 30s, sync_atom_v, tenant_id{"contoso"})
      .receive([&](round_report& r) { out = std::move(r); },
               [&](caf::error& err) { FAIL("sync failed: " << sys.render(err)); });
    return out;
  };

  // Before the rule: the page's newsletter is included and stored.
  auto first = sync();
  CHECK(first.items == 2);
  CHECK(first.excluded == 0);
  CHECK(pages->emails.count(key("m1")) == 1);

  rule no_news;
  no_news.id = "no-news";
  no_news.applies_to = rule_target::email;
  no_news.match = R"({"subject_contains":"newsletter"})";
  self->request(*evaluator, 30s, put_atom_v, no_news, std::string{"test"})
    .receive([](rule_put_result& r) { CHECK(r.changed); },
             [&](caf::error& err) { FAIL("put failed: " << sys.render(err)); });

  // The next page (the delta after the round) is decided by the new set: the new newsletter is
  // excluded, the other item stored; what the earlier page stored stays (a purge is separate).
  graph->add_email(mailbox, "inbox", make_email("m3", "Monthly Newsletter"));
  graph->add_email(mailbox, "inbox", make_email("m4", "Budget"));
  auto second = sync();
  CHECK(second.errors.empty());
  CHECK(second.excluded == 1);
  CHECK(second.items == 1);
  CHECK(pages->emails.count(key("m3")) == 0);
  CHECK(pages->emails.count(key("m4")) == 1);
  CHECK(pages->emails.count(key("m1")) == 1);
  CHECK(pages->emails.at(key("m4")).decided_by.rule_id.empty());

  // No restart: the same mailbox actor, still subscribed, ran both rounds.
  tenant_status status;
  self->request(org, 30s, status_atom_v, tenant_id{"contoso"})
    .receive([&](tenant_status& s) { status = std::move(s); },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(status.restarts == 0);
  rule_evaluator_status evaluator_status;
  self->request(*evaluator, 30s, status_atom_v)
    .receive([&](rule_evaluator_status& s) { evaluator_status = s; },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(evaluator_status.subscribers == 2);  // the mailbox and the calendar actor of u-1
  CHECK(evaluator_status.generation == 2);

  self->send_exit(org, caf::exit_reason::user_shutdown);
  self->send_exit(*evaluator, caf::exit_reason::user_shutdown);
  self->send_exit(persistence, caf::exit_reason::user_shutdown);
}
