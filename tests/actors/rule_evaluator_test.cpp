// The rule evaluator on its own: the only writer of the rule sets. Subscribers get the current
// set at once and every published change; a rule that does not validate is refused with nothing
// written or sent; dead subscribers are forgotten; what it persisted is what the next start
// loads. Runs on CAF's deterministic test coordinator (no threads, no timing): every message
// is delivered by sched.run(). Preview and purge scan the store in a detached worker, so they
// are tested apart, on the normal scheduler, with request/receive.
#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/persistence_actor.hpp"
#include "actors/rule_evaluator.hpp"
#include "fake_graph.hpp"
#include "rules/compiled_rule_set.hpp"
#include "tests/rules/rule_test_items.hpp"
#include "tests/store/commit_helpers.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;
using namespace std::chrono_literals;

namespace {

struct coordinator_config : caf::actor_system_config {
  coordinator_config() {
    register_message_types(*this);
    set("scheduler.policy", caf::atom("testing"));
    set("logger.file-verbosity", caf::atom("quiet"));
  }
};

/// What one subscriber saw: the generation and rule count of every set, in order.
struct seen_sets {
  std::vector<uint64_t> generations;
  std::vector<size_t> rule_counts;
};

/// A stand-in for a mailbox actor: subscribes at start and records every set it is sent.
rule_set_subscriber::behavior_type subscriber(rule_set_subscriber::pointer self,
                                              rule_evaluator_actor evaluator,
                                              std::shared_ptr<seen_sets> seen) {
  auto record = [seen](const rule_set_snapshot& s) {
    seen->generations.push_back(s.generation);
    seen->rule_counts.push_back(s.rules->rules().size());
  };
  self->request(evaluator, caf::infinite, subscribe_atom_v)
    .then([record](rule_set_snapshot& s) { record(s); });
  return {[record](rules_atom, rule_set_snapshot& s) { record(s); }};
}

rule newsletters(const std::string& id = "no-news") {
  return test::make_rule(id, rule_level::org, "", rule_action::exclude,
                         R"({"subject_contains":"newsletter"})", 100, rule_target::email);
}

/// A store with tenant contoso and user u-1 (the catalog changes are checked against).
std::shared_ptr<lmdb_store> deployment_store(const std::string& path) {
  auto store = std::shared_ptr<lmdb_store>(test::open_store(path));
  tenant_settings contoso;
  contoso.id = "contoso";
  contoso.internal_domains = {"contoso.com"};
  REQUIRE(store->put_tenant(contoso));
  REQUIRE(store->put_user({"u-1", "contoso", "adele@contoso.com", "", 1}));
  return store;
}

struct evaluator_fixture {
  test::temp_directory dir;
  std::shared_ptr<lmdb_store> store = deployment_store(dir.path());
  coordinator_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys, true};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  /// The writer: applies rules_atom to `store` as the persistence actor does, and counts them.
  std::shared_ptr<test::fake_store> writes = std::make_shared<test::fake_store>();
  persistence_actor persistence;
  rule_evaluator_actor evaluator;
  /// The subscribers' handles: an actor whose last handle is dropped ends (the evaluator holds
  /// its subscribers weakly, as it must not keep a stopped mailbox alive).
  std::vector<caf::actor> subscribers;

  evaluator_fixture() {
    writes->rule_store = store;
    persistence = test::spawn_fake_persistence(sys, writes);
    evaluator = start();
  }

  ~evaluator_fixture() {
    for (auto& s : subscribers)
      self->send_exit(s, caf::exit_reason::user_shutdown);
    self->send_exit(evaluator, caf::exit_reason::user_shutdown);
    self->send_exit(persistence, caf::exit_reason::user_shutdown);
    sched.run();
  }

  rule_evaluator_actor start() {
    rule_evaluator_options options;
    options.store = store;
    options.persistence = persistence;
    auto spawned = spawn_rule_evaluator(sys, options);
    REQUIRE(spawned.has_value());
    sched.run();
    return *spawned;
  }

  std::shared_ptr<seen_sets> subscribe() {
    auto seen = std::make_shared<seen_sets>();
    subscribers.push_back(caf::actor_cast<caf::actor>(sys.spawn(subscriber, evaluator, seen)));
    sched.run();
    return seen;
  }

  /// Sends the request, lets every actor run, and returns the answer or the error.
  template <class T, class... Ts>
  caf::expected<T> ask(const rule_evaluator_actor& to, Ts&&... xs) {
    auto answer = self->request(to, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    caf::expected<T> out{caf::error{}};
    answer.receive([&](T& x) { out = std::move(x); }, [&](caf::error& err) { out = err; });
    return out;
  }

  rule_evaluator_status status() {
    auto st = ask<rule_evaluator_status>(evaluator, status_atom_v);
    REQUIRE(static_cast<bool>(st));
    return *st;
  }
};

} // namespace

TEST_CASE_METHOD(evaluator_fixture,
                 "a subscriber gets the current set at once and every change after it",
                 "[actors][rules][evaluator]") {
  auto seen = subscribe();
  CHECK(seen->generations == std::vector<uint64_t>{1});
  CHECK(status().subscribers == 1);

  auto put = ask<rule_put_result>(evaluator, put_atom_v, newsletters(), std::string{"test"});
  REQUIRE(static_cast<bool>(put));
  CHECK(put->changed);
  CHECK(put->generation == 2);
  CHECK(put->stored.version == 1);
  // Sent before the put was answered; persisted in one change (with its audit record).
  CHECK(seen->generations == std::vector<uint64_t>{1, 2});
  CHECK(seen->rule_counts == std::vector<size_t>{0, 1});
  CHECK(writes->rule_changes == 1);
  auto stored = store->list_rules();
  REQUIRE(stored.has_value());
  REQUIRE(stored->size() == 1);
  CHECK(stored->front().id == "no-news");

  // A changed rule gets the next version; the same rule again writes and sends nothing.
  auto changed = newsletters();
  changed.priority = 5;
  put = ask<rule_put_result>(evaluator, put_atom_v, changed, std::string{"test"});
  REQUIRE(static_cast<bool>(put));
  CHECK(put->stored.version == 2);
  put = ask<rule_put_result>(evaluator, put_atom_v, changed, std::string{"test"});
  REQUIRE(static_cast<bool>(put));
  CHECK_FALSE(put->changed);
  CHECK(writes->rule_changes == 2);
  CHECK(seen->generations == std::vector<uint64_t>{1, 2, 3});

  auto listed = ask<std::vector<rule>>(evaluator, list_atom_v);
  REQUIRE(static_cast<bool>(listed));
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().priority == 5);

  auto removed = ask<rule>(evaluator, remove_atom_v, std::string{"no-news"}, std::string{"test"});
  REQUIRE(static_cast<bool>(removed));
  CHECK(removed->version == 2);
  CHECK(seen->rule_counts.back() == 0);
  CHECK(store->list_rules()->empty());
  auto missing = ask<rule>(evaluator, remove_atom_v, std::string{"no-news"}, std::string{"test"});
  REQUIRE_FALSE(static_cast<bool>(missing));
  CHECK(missing.error() == config_errc::unknown_reference);
  CHECK(writes->rule_changes == 3);
}

TEST_CASE_METHOD(evaluator_fixture,
                 "a rule that does not validate is refused: nothing is persisted or sent",
                 "[actors][rules][evaluator]") {
  auto seen = subscribe();
  REQUIRE(ask<rule_put_result>(evaluator, put_atom_v, newsletters(), std::string{"test"}));
  auto unknown_tenant = test::make_rule("t", rule_level::tenant, "northwind",
                                        rule_action::exclude, R"({"folder":"junkemail"})", 100,
                                        rule_target::email);
  auto bad_regex = newsletters("re");
  bad_regex.match = R"({"subject_regex":"(x"})";
  auto wrong_kind = newsletters("kind");
  wrong_kind.match = R"({"show_as":"oof"})";
  for (auto& bad : {unknown_tenant, bad_regex, wrong_kind}) {
    INFO(bad.id);
    auto refused = ask<rule_put_result>(evaluator, put_atom_v, bad, std::string{"test"});
    REQUIRE_FALSE(static_cast<bool>(refused));
    CHECK(refused.error() == config_errc::invalid_value);
  }
  CHECK(writes->rule_changes == 1);  // the first, valid put only
  CHECK(store->list_rules()->size() == 1);
  CHECK(seen->generations == std::vector<uint64_t>{1, 2});
  CHECK(status().generation == 2);
}

TEST_CASE_METHOD(evaluator_fixture, "a subscriber that died is dropped",
                 "[actors][rules][evaluator]") {
  auto seen_first = subscribe();
  auto seen_second = subscribe();
  CHECK(status().subscribers == 2);
  self->send_exit(subscribers.front(), caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(status().subscribers == 1);
  REQUIRE(ask<rule_put_result>(evaluator, put_atom_v, newsletters(), std::string{"test"}));
  CHECK(seen_first->generations == std::vector<uint64_t>{1});
  CHECK(seen_second->generations == std::vector<uint64_t>{1, 2});
}

TEST_CASE_METHOD(evaluator_fixture, "the rules it persisted are what the next start loads",
                 "[actors][rules][evaluator]") {
  REQUIRE(ask<rule_put_result>(evaluator, put_atom_v, newsletters(), std::string{"test"}));
  auto keep = test::make_rule("keep", rule_level::user, "contoso/u-1", rule_action::include,
                              R"({"category":"vip"})");
  REQUIRE(ask<rule_put_result>(evaluator, put_atom_v, keep, std::string{"test"}));
  self->send_exit(evaluator, caf::exit_reason::user_shutdown);
  sched.run();

  evaluator = start();  // a new evaluator over the same store: the next start of the engine
  CHECK(status().generation == 1);
  auto listed = ask<std::vector<rule>>(evaluator, list_atom_v);
  REQUIRE(static_cast<bool>(listed));
  REQUIRE(listed->size() == 2);
  CHECK(listed->at(0).id == "keep");  // precedence order: user rules first
  CHECK(listed->at(1).id == "no-news");
  auto seen = subscribe();
  CHECK(seen->rule_counts == std::vector<size_t>{2});
}

TEST_CASE_METHOD(evaluator_fixture, "explain tells how the current set decides an item",
                 "[actors][rules][evaluator]") {
  REQUIRE(ask<rule_put_result>(evaluator, put_atom_v, newsletters(), std::string{"test"}));
  auto item = test::make_email("contoso", "u-1", "desk@news.example", {}, "Weekly Newsletter");
  auto why = ask<rule_explanation>(evaluator, explain_atom_v, item);
  REQUIRE(static_cast<bool>(why));
  CHECK(why->decision.rule_id == "no-news");
  CHECK(why->decision.action == rule_action::exclude);
  auto missing = ask<rule_explanation>(evaluator, explain_atom_v, tenant_id{"contoso"},
                                       user_id{"u-1"}, std::string{"no-such-id"});
  REQUIRE_FALSE(static_cast<bool>(missing));
  CHECK(missing.error() == config_errc::unknown_reference);
}

// -- preview and purge (a detached worker scans: the normal scheduler) -------------------------

namespace {

struct threaded_config : caf::actor_system_config {
  threaded_config() {
    register_message_types(*this);
    set("scheduler.max-threads", 2);
  }
};

} // namespace

TEST_CASE("preview counts what a rule would newly exclude; purge removes exactly that with "
          "the preview's token and stores the rule in the same transaction",
          "[actors][rules][evaluator][purge]") {
  test::temp_directory dir;
  auto store = deployment_store(dir.path());
  auto page = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 9, "M-");
  for (size_t i = 0; i < page.items.size(); ++i)
    page.items[i].subject = i % 3 == 0 ? "Weekly Newsletter" : "Project update";
  test::commit_one(*store, page);

  threaded_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto persistence = spawn_persistence_actor(sys, store);
  rule_evaluator_options options;
  options.store = store;
  options.persistence = persistence;
  auto evaluator = spawn_rule_evaluator(sys, options);
  REQUIRE(evaluator.has_value());

  rule_preview_report report;
  self->request(*evaluator, 30s, preview_atom_v, newsletters(), tenant_id{})
    .receive([&](rule_preview_report& r) { report = std::move(r); },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(report.scanned_emails == 9);
  CHECK(report.total.newly_excluded == 3);
  CHECK(report.token.size() == 16);
  CHECK(store->list_rules()->empty());  // a preview changes nothing

  caf::error refused;
  self->request(*evaluator, 30s, purge_atom_v, newsletters(), tenant_id{}, std::string{"0"},
                std::string{"test"})
    .receive([&](rule_purge_report&) { FAIL("a wrong token purged"); },
             [&](caf::error& err) { refused = err; });
  CHECK(refused == config_errc::conflict);
  CHECK(store->get_email("contoso", "u-1", "M-contoso-u-1-inbox-0").has_value());

  rule_purge_report purged;
  self->request(*evaluator, 30s, purge_atom_v, newsletters(), tenant_id{}, report.token,
                std::string{"test"})
    .receive([&](rule_purge_report& r) { purged = std::move(r); },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(purged.removed == 3);
  CHECK(purged.stored.id == "no-news");
  CHECK(store->get_email("contoso", "u-1", "M-contoso-u-1-inbox-0").error().code()
        == status_code::not_found);
  CHECK(store->get_email("contoso", "u-1", "M-contoso-u-1-inbox-1").has_value());
  REQUIRE(store->list_rules()->size() == 1);
  rule_evaluator_status st;
  self->request(*evaluator, 30s, status_atom_v)
    .receive([&](rule_evaluator_status& s) { st = s; }, [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(st.rules == 1);
  CHECK(st.generation == 2);

  self->send_exit(*evaluator, caf::exit_reason::user_shutdown);
  self->send_exit(persistence, caf::exit_reason::user_shutdown);
}
