// Exclusion rules end to end: the store holds exactly what the rules allow, and every stored
// item names the rule that decided it. The expectation is computed here, independently of
// rules/, from the messages exactly as the simulator serves them over Graph.
#include <catch2/catch.hpp>

#include <algorithm>

#include "engine_on_sim.hpp"
#include "rules/rule_json.hpp"

using namespace m365;
using namespace m365::test;
namespace json = boost::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? std::string{} : lower(address.substr(at + 1));
}

rule parse_rule(const std::string& text) {
  auto r = rule_from_json(text);
  REQUIRE(r);
  return *r;
}

struct expected_item {
  bool stored = false;
  std::string rule_id;
};

/// The verdict the three rules of this test give a message as Graph serves it.
expected_item expect(const json::object& m, bool is_override_user, bool is_internal_tenant,
                     const std::string& internal_domain) {
  auto subject = lower(m.contains("subject") ? std::string(m.at("subject").as_string()) : "");
  bool newsletter = subject.find("newsletter") != std::string::npos;
  // Participants: from and every recipient.
  std::vector<std::string> addresses;
  auto add = [&](const json::value& v) {
    if (v.is_object() && v.as_object().contains("emailAddress"))
      addresses.push_back(std::string(v.at("emailAddress").at("address").as_string()));
  };
  if (m.contains("from"))
    add(m.at("from"));
  for (auto key : {"toRecipients", "ccRecipients", "bccRecipients"})
    if (m.contains(key))
      for (auto& r : m.at(key).as_array())
        add(r);
  bool internal_only = !addresses.empty()
                       && std::all_of(addresses.begin(), addresses.end(), [&](auto& a) {
                            return domain_of(a) == internal_domain;
                          });
  // user level first, then tenant, then org
  if (is_override_user && newsletter)
    return {true, "keep-newsletters-for-adele"};
  if (is_internal_tenant && internal_only)
    return {false, "no-internal-chatter"};
  if (newsletter)
    return {false, "no-newsletters"};
  return {true, ""};
}

} // namespace

TEST_CASE("org, tenant and user rules decide exactly what reaches the store, and each stored "
          "item names its deciding rule",
          "[integration][rules]") {
  auto options = sim::testing::sim_harness::defaults();
  options.seed = 777;
  options.tenants = 2;
  options.users = 2;
  options.messages = 300;
  options.events = 5;
  sim::testing::sim_harness probe{options};
  auto first = std::string(probe.tenant(0).at("slug").as_string());
  auto internal_domain = lower(std::string(probe.tenant(0).at("domain").as_string()));
  engine_setup setup;
  setup.rules = {
    parse_rule(R"({"id":"no-newsletters","level":"org","applies_to":"email","action":"exclude",
                   "priority":10,"match":{"subject_contains":"Newsletter"}})"),
    parse_rule(R"({"id":"no-internal-chatter","level":"tenant","scope":")" + first
               + R"(","applies_to":"email","action":"exclude","priority":5,
                   "match":{"internal_only":true}})"),
    parse_rule(R"({"id":"keep-newsletters-for-adele","level":"user","scope":"u-)" + first
               + R"(-1","applies_to":"email","action":"include","priority":1,
                   "match":{"subject_contains":"newsletter"}})"),
  };
  engine_on_sim e{options, setup};

  size_t excluded_seen = 0, overridden_seen = 0, internal_seen = 0;
  for (auto& t : e.tenant_slugs()) {
    auto report = e.sync(t);
    REQUIRE(report.errors.empty());
    size_t tenant_index = t == first ? 0 : 1;
    auto token = e.sim().token(tenant_index);
    for (auto& u : e.users_of(t)) {
      std::map<std::string, expected_item> expected;  // internetMessageId -> verdict
      for (auto folder : {"inbox", "sentitems"}) {
        auto walk = e.sim().walk(e.sim().graph() + "/users/" + u.mailbox + "/mailFolders/"
                                   + folder + "/messages/delta",
                                 token, "odata.maxpagesize=200");
        REQUIRE(walk.failed_status == 0);
        for (auto& m : walk.items) {
          if (m.contains("@removed"))
            continue;
          auto verdict = expect(m, u.user == "u-" + first + "-1", t == first, internal_domain);
          auto imid = std::string(m.at("internetMessageId").as_string());
          expected.emplace(imid, verdict);
          excluded_seen += !verdict.stored;
          overridden_seen += verdict.rule_id == "keep-newsletters-for-adele";
          internal_seen += verdict.rule_id == "no-internal-chatter";
        }
      }
      std::map<std::string, std::string> stored;  // internetMessageId -> rule id
      REQUIRE(e.store().scan_emails(t, [&](const email& m) {
        if (m.user == u.user)
          stored[m.internet_message_id] = m.decided_by.rule_id;
        return true;
      }).is_ok());
      for (auto& [imid, verdict] : expected) {
        INFO(u.user << " " << imid);
        if (verdict.stored) {
          REQUIRE(stored.count(imid) == 1);
          CHECK(stored[imid] == verdict.rule_id);
        } else {
          CHECK(stored.count(imid) == 0);
        }
      }
      size_t should_store = std::count_if(expected.begin(), expected.end(),
                                          [](auto& kv) { return kv.second.stored; });
      CHECK(stored.size() == should_store);
    }
  }
  // The data exercises all three rules, so the test would notice a rule that does nothing.
  CHECK(excluded_seen > 0);
  CHECK(overridden_seen > 0);
  CHECK(internal_seen > 0);
}

TEST_CASE("rules put through a running engine are the rules its next start evaluates with",
          "[integration][rules][evaluator]") {
  auto options = sim::testing::sim_harness::defaults();
  options.tenants = 1;
  options.users = 1;
  options.messages = 40;
  options.events = 2;
  engine_on_sim e{options};
  auto slug = e.tenant_slugs().front();
  e.sync(slug);
  auto put = e.put_rule(parse_rule(R"({"id":"no-newsletters","level":"org",
      "applies_to":"email","action":"exclude","match":{"subject_contains":"Newsletter"}})"));
  CHECK(put.changed);
  e.put_rule(parse_rule(R"({"id":"keep-vip","level":"user","scope":")" + slug + "/u-" + slug
                        + R"(-1","action":"include","match":{"category":"vip"}})"));
  auto stored = e.store().list_rules();
  REQUIRE(stored.has_value());
  CHECK(stored->size() == 2);

  // A second engine over the same store (the next start): its evaluator loaded them.
  e.engine().stop();
  sync_engine_options next;
  next.store = std::shared_ptr<lmdb_store>(&e.store(), [](lmdb_store*) {});  // e owns it
  next.credentials = [](const tenant_settings&) -> expected<client_credential> {
    return status::not_found("no tenant runs in this engine");
  };
  auto restarted = sync_engine::start(e.system(), std::move(next));
  REQUIRE(restarted.has_value());
  caf::scoped_actor self{e.system()};
  std::vector<rule> listed;
  self->request((*restarted)->rules(), std::chrono::seconds{10}, list_atom_v)
    .receive([&](std::vector<rule>& rules) { listed = std::move(rules); },
             [&](caf::error& err) { FAIL(e.system().render(err)); });
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == "keep-vip");
  CHECK(listed[1].id == "no-newsletters");
  (*restarted)->stop();
}
