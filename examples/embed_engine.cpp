// Embedding the m365sync engine in a host application.
//
// The host owns its own caf::actor_system (and registers m365's message types on its config),
// opens the store, builds sync_engine_options itself and drives the org through the typed
// interface: add a tenant at runtime, assign users, put a rule, run a sync round, read the
// status. To run anywhere it talks to an in-process Graph simulator on loopback; a real host
// would put https://login.microsoftonline.com and https://graph.microsoft.com/v1.0 in
// tenant_settings.
//
// Exit code 0 when the round stored mail and events of every user, 1 otherwise.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/sync_engine.hpp"
#include "messages/type_ids.hpp"
#include "sim/server.hpp"
#include "store/lmdb_store.hpp"

namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

/// The host's own actor system configuration: its settings plus m365's message types.
struct host_config : caf::actor_system_config {
  host_config() {
    m365::register_message_types(*this);
    set("scheduler.max-threads", size_t{2});
  }
};

std::string text(const json::value& v) {
  return std::string(v.as_string());
}

int run() {
  // 1. A Graph stand-in: one tenant, two mailboxes.
  m365::sim::server graph;
  m365::sim::server_options sim_options;
  sim_options.tenants = 1;
  sim_options.users = 2;
  sim_options.messages = 60;
  sim_options.events = 10;
  if (auto port = graph.start(sim_options); !port) {
    std::cerr << "simulator: " << port.error().to_string() << "\n";
    return 1;
  }
  auto manifest = json::parse(graph.manifest_json());
  auto& tenant = manifest.at("tenants").at(0);

  // 2. The host's store, in a directory of its own.
  auto dir = std::filesystem::temp_directory_path()
             / ("embed-engine-" + std::to_string(std::random_device{}()));
  m365::store_options store_options;
  store_options.path = (dir / "store").string();
  auto opened = m365::lmdb_store::open(store_options);
  if (!opened) {
    std::cerr << "store: " << opened.error().to_string() << "\n";
    return 1;
  }
  std::shared_ptr<m365::lmdb_store> store{std::move(*opened)};

  // 3. The engine on the host's actor system; it starts with no tenant at all.
  host_config cfg;
  caf::actor_system system{cfg};
  m365::sync_engine_options options;
  options.store = store;
  options.tuning.sync_at_start = false;  // this host decides when to sync
  const std::string secret = text(tenant.at("client_secret"));
  options.credentials = [secret](const m365::tenant_settings& t)
    -> m365::expected<m365::client_credential> {
    m365::client_credential credential;
    credential.client_id = t.client_id;
    credential.client_secret = secret;  // a real host reads its vault here
    return credential;
  };
  auto started = m365::sync_engine::start(system, std::move(options));
  if (!started) {
    std::cerr << "engine: " << started.error().to_string() << "\n";
    return 1;
  }
  auto engine = std::move(*started);

  // 4. A tenant added at runtime, its users assigned, one round, the status.
  m365::tenant_settings settings;
  settings.id = text(tenant.at("slug"));
  settings.directory_id = text(tenant.at("directory_id"));
  settings.authority = text(tenant.at("authority"));
  settings.graph = text(tenant.at("graph"));
  settings.client_id = text(tenant.at("client_id"));
  settings.credential = m365::credential_kind::client_secret;
  settings.internal_domains = {text(tenant.at("domain"))};
  caf::scoped_actor self{system};
  bool ok = true;
  auto fail = [&](const std::string& what) {
    return [&, what](caf::error& err) {
      std::cerr << what << ": " << system.render(err) << "\n";
      ok = false;
    };
  };
  self->request(engine->org(), 10s, m365::put_atom_v, settings)
    .receive([](m365::tenant_status&) {}, fail("put tenant"));
  size_t users = 0;
  for (auto& u : tenant.at("users").as_array()) {
    m365::user_assignment a;
    a.user = "u-" + std::to_string(++users);
    a.tenant = settings.id;
    a.mailbox = text(u.at("upn"));
    self->request(engine->org(), 10s, m365::assign_atom_v, a)
      .receive([](bool) {}, fail("assign"));
  }
  // An org-wide rule, put through the engine's rule evaluator: it applies from the next page
  // every mailbox decides, with no restart (a tenant or user rule must name a tenant or user
  // the store holds).
  m365::rule no_newsletters;
  no_newsletters.id = "no-newsletters";
  no_newsletters.applies_to = m365::rule_target::email;
  no_newsletters.match = R"({"subject_contains": "Newsletter"})";
  self->request(engine->rules(), 10s, m365::put_atom_v, no_newsletters, std::string{"host"})
    .receive([](m365::rule_put_result&) {}, fail("put rule"));
  m365::round_report report;
  self->request(engine->org(), 120s, m365::sync_atom_v, settings.id)
    .receive([&](m365::round_report& r) { report = std::move(r); }, fail("sync"));
  m365::tenant_status status;
  self->request(engine->org(), 10s, m365::status_atom_v, settings.id)
    .receive([&](m365::tenant_status& s) { status = std::move(s); }, fail("status"));
  engine->stop();  // stops the tenants and flushes the writer

  auto stats = store->stats();
  std::cout << "tenant " << settings.id << ": " << m365::to_string(status.state) << ", " << users
            << " users, round: " << report.items << " items in " << report.pages
            << " pages, " << report.excluded << " excluded by rules, " << report.errors.size()
            << " errors\n"
            << "store: " << stats.emails << " emails, " << stats.events << " events\n";
  ok = ok && report.errors.empty() && status.state == m365::tenant_state::running && stats.emails > 0
       && stats.events > 0;
  engine.reset();
  store.reset();
  graph.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::cout << (ok ? "ok" : "FAILED") << "\n";
  return ok ? 0 : 1;
}

} // namespace

int main() {
  return run();
}
