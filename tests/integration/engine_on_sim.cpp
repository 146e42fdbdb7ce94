#include "engine_on_sim.hpp"

#include <random>

#include <catch2/catch.hpp>

#include "messages/type_ids.hpp"

namespace m365::test {

namespace json = boost::json;
using namespace std::chrono_literals;

integration_config::integration_config() {
  register_message_types(*this);
}

namespace {

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string{};
}

} // namespace

engine_on_sim::engine_on_sim(sim::server_options options, engine_setup setup) {
  sim_ = std::make_unique<sim::testing::sim_harness>(options);
  store_options so;
  so.path = dir_.file("store");
  so.no_sync = true;  // tests: durability is covered by the store's crash test
  auto opened = lmdb_store::open(so);
  REQUIRE(opened);
  store_ = std::shared_ptr<lmdb_store>(std::move(*opened));
  sync_engine_options eo;
  eo.store = store_;
  for (auto& v : sim_->manifest().at("tenants").as_array())
    secrets_[str(v.at("slug"))] = str(v.at("client_secret"));
  for (auto& [slug, secret] : setup.wrong_secrets)
    secrets_[slug] = secret;
  for (auto& slug : tenant_slugs()) {
    for (auto& u : users_of(slug))
      upn_to_user_[u.mailbox] = u.user;
    if (setup.skip.count(slug))
      continue;
    eo.tenants.push_back(tenant(slug));
    auto users = users_of(slug);
    eo.users.insert(eo.users.end(), users.begin(), users.end());
  }
  // The store holds what the engine starts with, as serve's config would have written it: the
  // rule evaluator checks rule scopes against the stored tenants and users.
  for (auto& t : eo.tenants)
    REQUIRE(store_->put_tenant(t));
  for (auto& u : eo.users)
    REQUIRE(store_->put_user(u));
  eo.credentials = [this](const tenant_settings& t) -> expected<client_credential> {
    client_credential c;
    c.client_id = t.client_id;
    auto i = secrets_.find(t.id);
    if (i == secrets_.end())
      return status::not_found("no secret for " + t.id);
    c.client_secret = i->second;
    return c;
  };
  eo.tuning.sync_at_start = false;
  eo.tuning.retry_base = 20ms;
  eo.tuning.restart_base = 20ms;
  eo.graph.retry.base = 20ms;  // the floor stays Graph's second: nothing asks too early
  eo.graph.retry.cap = 2s;
  if (setup.adjust)
    setup.adjust(eo);
  auto engine = sync_engine::start(sys_, std::move(eo));
  REQUIRE(engine);
  engine_ = std::move(*engine);
  for (auto& r : setup.rules)
    put_rule(r);
}

rule_put_result engine_on_sim::put_rule(const rule& r) {
  caf::scoped_actor self{sys_};
  rule_put_result out;
  self->request(engine_->rules(), 30s, put_atom_v, r, std::string{"test"})
    .receive([&](rule_put_result& result) { out = std::move(result); },
             [&](caf::error& err) { FAIL("put rule " << r.id << ": " << sys_.render(err)); });
  return out;
}

engine_on_sim::~engine_on_sim() {
  engine_.reset();
  store_.reset();
  sim_.reset();
}

std::vector<std::string> engine_on_sim::tenant_slugs() const {
  std::vector<std::string> out;
  for (auto& t : sim_->manifest().at("tenants").as_array())
    out.push_back(str(t.at("slug")));
  return out;
}

tenant_settings engine_on_sim::tenant(const std::string& slug) const {
  for (auto& v : sim_->manifest().at("tenants").as_array()) {
    auto& t = v.as_object();
    if (str(t.at("slug")) != slug)
      continue;
    tenant_settings s;
    s.id = slug;
    s.directory_id = str(t.at("directory_id"));
    s.authority = str(t.at("authority"));
    s.graph = str(t.at("graph"));
    s.client_id = str(t.at("client_id"));
    s.credential = credential_kind::client_secret;
    s.internal_domains = {str(t.at("domain"))};
    s.folders = {"inbox", "sentitems"};
    s.email_interval_s = 3600;
    s.calendar_interval_s = 3600;
    s.page_size = 100;
    return s;
  }
  FAIL("no tenant " << slug << " in the manifest");
  return {};
}

std::vector<user_assignment> engine_on_sim::users_of(const std::string& slug) const {
  std::vector<user_assignment> out;
  for (auto& v : sim_->manifest().at("tenants").as_array()) {
    auto& t = v.as_object();
    if (str(t.at("slug")) != slug)
      continue;
    int n = 0;
    for (auto& u : t.at("users").as_array()) {
      user_assignment a;
      a.user = "u-" + slug + "-" + std::to_string(++n);
      a.tenant = slug;
      a.mailbox = str(u.at("upn"));
      out.push_back(a);
    }
  }
  return out;
}

std::string engine_on_sim::crm_user(const std::string& upn) const {
  auto i = upn_to_user_.find(upn);
  return i == upn_to_user_.end() ? std::string{} : i->second;
}

round_report engine_on_sim::sync(const std::string& tenant) {
  caf::scoped_actor self{sys_};
  round_report out;
  self->request(engine_->org(), 300s, sync_atom_v, tenant)
    .receive([&](round_report& r) { out = std::move(r); },
             [&](caf::error& err) { FAIL("sync " << tenant << ": " << sys_.render(err)); });
  return out;
}

caf::error engine_on_sim::sync_error(const std::string& tenant) {
  caf::scoped_actor self{sys_};
  caf::error out;
  self->request(engine_->org(), 300s, sync_atom_v, tenant)
    .receive([](round_report&) {}, [&](caf::error& err) { out = std::move(err); });
  return out;
}

tenant_status engine_on_sim::status(const std::string& tenant) {
  caf::scoped_actor self{sys_};
  tenant_status out;
  self->request(engine_->org(), 30s, status_atom_v, tenant)
    .receive([&](tenant_status& s) { out = std::move(s); },
             [&](caf::error& err) { FAIL("status " << tenant << ": " << sys_.render(err)); });
  return out;
}

std::map<std::string, std::multiset<std::string>>
engine_on_sim::stored_messages(const std::string& tenant) {
  std::map<std::string, std::multiset<std::string>> out;
  for (auto& u : users_of(tenant))
    out[u.user];
  auto st = store_->scan_emails(tenant, [&](const email& e) {
    out[e.user].insert(e.internet_message_id);
    return true;
  });
  REQUIRE(st.is_ok());
  return out;
}

std::map<std::string, std::multiset<std::string>>
engine_on_sim::true_messages(const std::string& tenant) {
  std::map<std::string, std::multiset<std::string>> out;
  for (auto& u : users_of(tenant)) {
    auto [code, body] = sim_->control("GET", "/_sim/mailboxes/" + u.mailbox + "/truth");
    REQUIRE(code == 200);
    auto& set = out[u.user];
    std::set<std::string> seen;  // one record per user per internetMessageId (dedupe)
    for (auto& m : body.at("messages").as_array()) {
      auto folder = str(m.at("folder"));
      auto imid = str(m.at("internet_message_id"));
      if ((folder == "inbox" || folder == "sentitems") && seen.insert(imid).second)
        set.insert(imid);
    }
  }
  return out;
}

std::map<std::string, std::multiset<std::string>>
engine_on_sim::stored_single_events(const std::string& tenant) {
  std::map<std::string, std::multiset<std::string>> out;
  for (auto& u : users_of(tenant))
    out[u.user];
  auto st = store_->scan_events(tenant, [&](const event& e) {
    if (e.kind == event_kind::single_instance)
      out[e.user].insert(e.ical_uid);
    return true;
  });
  REQUIRE(st.is_ok());
  return out;
}

std::map<std::string, std::multiset<std::string>>
engine_on_sim::true_single_events(const std::string& tenant) {
  std::map<std::string, std::multiset<std::string>> out;
  // The engine's window: today 00:00 UTC - 30 days .. + 180 days (tenant defaults).
  auto day = int64_t{86400};
  auto today = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()
               / day * day;
  auto from = today - 30 * day;
  auto to = today + 180 * day;
  for (auto& u : users_of(tenant)) {
    auto [code, body] = sim_->control("GET", "/_sim/mailboxes/" + u.mailbox + "/truth");
    REQUIRE(code == 200);
    auto& set = out[u.user];
    for (auto& e : body.at("events").as_array()) {
      if (str(e.at("type")) != "singleInstance")
        continue;
      auto parse = [](const std::string& text) {
        std::tm tm{};
        strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
        return static_cast<int64_t>(timegm(&tm));
      };
      auto start = parse(str(e.at("start")));
      auto end = parse(str(e.at("end")));
      if (end > from && start < to)
        set.insert(str(e.at("ical_uid")));
    }
  }
  return out;
}

} // namespace m365::test
