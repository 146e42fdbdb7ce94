// `m365sync demo`: the whole engine end to end on embedded defaults. An in-process Graph
// simulator (loopback) with three tenants: the main office, an acquired firm (certificate
// credential) and a legacy tenant being migrated. Rules at the three levels; every tenant synced
// concurrently with live progress on stderr; then a user moved from the legacy tenant to the
// main office (deduplicated), a tenant disabled and enabled, a second round after mutations
// made through the simulator's /_sim/ API (in-process), and a per-tenant summary.
//
//   main thread: start sim -> store -> actor system + sync_engine -> round 1 (one thread per
//   tenant blocks on org sync_atom; main polls org status_atom for the display) -> features ->
//   round 2 -> summary -> stop engine -> remove temp dir.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/sync_engine.hpp"
#include "adapters/client_assertion.hpp"
#include "apps/m365sync/commands.hpp"
#include "apps/m365sync/demo_display.hpp"
#include "apps/m365sync/sim_control.hpp"
#include "apps/m365sync/sync_actor_config.hpp"
#include "messages/clock.hpp"
#include "rules/rule_json.hpp"
#include "sim/server.hpp"
#include "store/lmdb_store.hpp"

namespace m365::cli {

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct demo_options {
  uint32_t tenants = 3;
  uint32_t users = 8;
  uint32_t messages = 1500;
  uint32_t events = 40;
  uint64_t seed = 1;
  std::string keep;  ///< empty: a temporary data dir, removed at exit
  bool quiet = false;
};

/// One simulator tenant as the demo uses it.
struct demo_tenant {
  tenant_settings settings;
  std::string role;
  std::string secret;
  std::string certificate_pem;
  std::string private_key_pem;
  bool use_certificate = false;
  std::vector<user_assignment> users;  ///< CRM users assigned at start
  std::vector<std::string> upns;       ///< every simulator mailbox of the tenant
};

/// What one tenant's rounds did.
struct tenant_result {
  round_report first;
  round_report second;
  round_report other;  ///< rounds of the move and of the enable step
  std::chrono::milliseconds first_time{0};
  std::chrono::milliseconds second_time{0};
  std::string failure;  ///< a round that did not answer
};

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string{};
}

std::string role_of(size_t index) {
  switch (index) {
    case 0: return "main office";
    case 1: return "acquired firm";
    case 2: return "legacy (migrating)";
    default: return "branch " + std::to_string(index - 2);
  }
}

/// Tenants of the manifest with their roles, credentials and CRM users. The main office's last
/// mailbox is kept free: it receives the migrated user.
std::vector<demo_tenant> tenants_of(const json::object& manifest) {
  std::vector<demo_tenant> out;
  for (auto& v : manifest.at("tenants").as_array()) {
    auto& t = v.as_object();
    demo_tenant d;
    auto& s = d.settings;
    s.id = str(t.at("slug"));
    s.directory_id = str(t.at("directory_id"));
    s.authority = str(t.at("authority"));
    s.graph = str(t.at("graph"));
    s.client_id = str(t.at("client_id"));
    s.internal_domains = {str(t.at("domain"))};
    s.folders = {"inbox", "sentitems"};
    s.email_interval_s = 3600;  // the demo drives rounds itself
    s.calendar_interval_s = 3600;
    s.page_size = 250;
    d.role = role_of(out.size());
    s.display_name = d.role;
    d.secret = str(t.at("client_secret"));
    d.certificate_pem = t.contains("certificate_pem") ? str(t.at("certificate_pem")) : "";
    d.private_key_pem = t.contains("private_key_pem") ? str(t.at("private_key_pem")) : "";
    d.use_certificate = out.size() == 1 && !d.certificate_pem.empty();
    s.credential = d.use_certificate ? credential_kind::certificate : credential_kind::client_secret;
    int n = 0;
    for (auto& u : t.at("users").as_array()) d.upns.push_back(str(u.at("upn")));
    size_t assigned = out.empty() ? d.upns.size() - 1 : d.upns.size();
    for (size_t i = 0; i < assigned; ++i)
      d.users.push_back({"u-" + s.id + "-" + std::to_string(++n), s.id, d.upns[i], {}, 0});
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<rule> demo_rules(const std::vector<demo_tenant>& tenants) {
  const auto& main_user = tenants[0].users.front().user;
  std::vector<std::string> texts = {
    R"({"id": "no-newsletters", "level": "org", "applies_to": "email", "action": "exclude",
        "priority": 10, "note": "newsletters are not client correspondence",
        "match": {"any": [{"subject_contains": "Newsletter"}, {"subject_contains": "weekly digest"}]}})",
    R"({"id": "acquired-internal-only", "level": "tenant", "scope": ")" + tenants[1].settings.id
      + R"(", "applies_to": "email", "action": "exclude", "priority": 10,
        "note": "internal chatter of the acquired firm stays out of the CRM",
        "match": {"internal_only": true}})",
    R"({"id": "keep-market-briefing", "level": "user", "scope": ")" + main_user
      + R"(", "applies_to": "email", "action": "include", "priority": 10,
        "note": "this partner follows the clients' market briefings",
        "match": {"subject_contains": "Market briefing"}})"};
  std::vector<rule> out;
  for (auto& text : texts) {
    auto r = rule_from_json(text);
    if (!r) throw std::runtime_error("demo rule: " + r.error().message());
    out.push_back(std::move(*r));
  }
  return out;
}

/// Emails and events stored per tenant, and per user the records and distinct Message-IDs.
struct store_counts {
  std::map<std::string, uint64_t> emails;
  std::map<std::string, uint64_t> events;
};

store_counts count_store(const lmdb_store& store) {
  store_counts out;
  store.scan_emails("", [&](const email& e) {
    ++out.emails[e.tenant];
    return true;
  });
  store.scan_events("", [&](const event& e) {
    ++out.events[e.tenant];
    return true;
  });
  return out;
}

/// A user's stored emails across every tenant: {records, distinct internetMessageIds}.
std::pair<size_t, size_t> user_records(const lmdb_store& store, const user_id& user) {
  size_t records = 0;
  std::set<std::string> ids;
  store.scan_emails("", [&](const email& e) {
    if (e.user == user) {
      ++records;
      ids.insert(e.internet_message_id);
    }
    return true;
  });
  return {records, ids.size()};
}

class demo_run {
public:
  demo_run(const demo_options& opts, caf::actor_system& sys, sync_engine& engine,
           std::vector<demo_tenant>& tenants, sim_control& control, lmdb_store& store)
    : opts_(opts), sys_(sys), engine_(engine), tenants_(tenants), control_(control),
      store_(store), results_(tenants.size()) {}

  bool ok() const { return ok_; }
  const std::vector<tenant_result>& results() const { return results_; }

  void check(bool condition, const std::string& what) {
    std::cout << (condition ? "  ok    " : "  FAIL  ") << what << "\n";
    ok_ = ok_ && condition;
  }

  /// Syncs every tenant concurrently (one blocking requester per tenant) while the main thread
  /// polls the org's status for the display. `second` picks which report slot is filled.
  void round(bool second) {
    progress_display display{opts_.quiet};
    std::vector<tenant_progress> rows(tenants_.size());
    for (size_t i = 0; i < tenants_.size(); ++i) {
      rows[i].label = tenants_[i].settings.id;
      rows[i].mailboxes_total = static_cast<uint32_t>(assigned(tenants_[i].settings.id));
    }
    std::mutex mutex;
    std::condition_variable changed;
    size_t finished = 0;
    std::vector<bool> done(tenants_.size(), false);
    int64_t started_ms = now_ms();
    {
      // Counters are totals since each tenant started: the display shows this round's share.
      caf::scoped_actor self{sys_};
      poll(self, rows, started_ms);
      for (auto& row : rows) {
        row.base_messages = row.messages;
        row.base_events = row.events;
      }
    }
    std::vector<std::thread> requesters;
    for (size_t i = 0; i < tenants_.size(); ++i) {
      requesters.emplace_back([&, i] {
        caf::scoped_actor self{sys_};
        auto started = std::chrono::steady_clock::now();
        round_report report;
        std::string failure;
        self->request(engine_.org(), 600s, sync_atom_v, tenants_[i].settings.id)
          .receive([&](round_report& r) { report = std::move(r); },
                   [&](caf::error& err) { failure = sys_.render(err); });
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
        std::lock_guard<std::mutex> lock(mutex);
        auto& slot = results_[i];
        (second ? slot.second : slot.first) = std::move(report);
        (second ? slot.second_time : slot.first_time) = elapsed;
        if (!failure.empty()) slot.failure = failure;
        done[i] = true;
        ++finished;
        changed.notify_all();
      });
    }
    caf::scoped_actor self{sys_};
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex);
        // The display's refresh interval; woken early when a tenant finishes.
        changed.wait_for(lock, 200ms);
        for (size_t i = 0; i < tenants_.size(); ++i) rows[i].finished = done[i];
        if (finished == tenants_.size()) break;
      }
      poll(self, rows, started_ms);
      display.show(rows);
    }
    for (auto& t : requesters) t.join();
    poll(self, rows, started_ms);
    display.finish(rows);
  }

  size_t assigned(const tenant_id& tenant) const {
    size_t n = 0;
    for (auto& [user, t] : assignment_) n += t == tenant ? 1 : 0;
    return n;
  }

  void assign_initial() {
    for (auto& t : tenants_)
      for (auto& u : t.users) assignment_[u.user] = u.tenant;
  }

  /// A client's market briefing newsletter for the main office's first user: the org rule
  /// excludes newsletters, that user's own rule keeps this one.
  void add_briefing() {
    const auto& upn = tenants_[0].users.front().mailbox;
    briefing_added_ =
      control_
        .call("POST", "/_sim/mailboxes/" + upn + "/messages",
              R"({"folder":"inbox","subject":"Newsletter: Market briefing for partners",)"
              R"("from":{"name":"Research Desk","address":"research@news.fourthcoffee.com"}})")
        .first == 201;
  }

  /// Stored emails decided by each rule (an include rule's items are stored; excluded are not).
  void check_rules() {
    std::map<std::string, size_t> decided;
    store_.scan_emails("", [&](const email& e) {
      if (!e.decided_by.rule_id.empty()) ++decided[e.decided_by.rule_id];
      return true;
    });
    auto kept = decided["keep-market-briefing"];
    check(briefing_added_ && kept >= 1,
          "user override: " + std::to_string(kept) + " newsletter(s) kept for "
            + tenants_[0].users.front().user + " by keep-market-briefing despite no-newsletters");
  }

  /// The legacy tenant's first user moves to the main office: the mailbox migration copies its
  /// messages (same Message-IDs) into the main office's free mailbox; the store keeps one record
  /// per message.
  void move_user() {
    auto& legacy = tenants_[2];
    auto& main = tenants_[0];
    auto user = legacy.users.front();
    const auto& target = main.upns.back();
    auto before = user_records(store_, user.user);
    auto [code, truth] = control_.call("GET", "/_sim/mailboxes/" + user.mailbox + "/truth");
    size_t copied = 0;
    if (code == 200) {
      for (auto& m : truth.at("messages").as_array()) {
        auto folder = str(m.at("folder"));
        if (folder != "inbox" && folder != "sentitems") continue;
        json::object body{{"folder", folder},
                          {"subject", m.at("subject")},
                          {"internet_message_id", m.at("internet_message_id")},
                          {"from", json::object{{"name", "Migrated"}, {"address", user.mailbox}}}};
        if (control_.call("POST", "/_sim/mailboxes/" + target + "/messages",
                          json::serialize(body)).first == 201)
          ++copied;
      }
    }
    caf::scoped_actor self{sys_};
    user_assignment moved{user.user, main.settings.id, target, legacy.settings.id, 0};
    bool assigned_ok = false;
    self->request(engine_.org(), 30s, assign_atom_v, moved)
      .receive([&](bool done) { assigned_ok = done; },
               [&](caf::error& err) { std::cout << "  assign: " << sys_.render(err) << "\n"; });
    assignment_[user.user] = main.settings.id;
    round_report report;
    self->request(engine_.org(), 600s, sync_atom_v, main.settings.id)
      .receive([&](round_report& r) { report = std::move(r); },
               [&](caf::error& err) { report.errors.push_back(sys_.render(err)); });
    merge_into(results_[0].other, report);
    auto after = user_records(store_, user.user);
    std::cout << "\nMove: " << user.user << " from " << legacy.settings.id << " ("
              << user.mailbox << ") to " << main.settings.id << " (" << target << ")\n"
              << "  migration copied " << copied << " messages with their Message-IDs; "
              << "stored records of " << user.user << ": before " << before.first
              << ", after " << after.first << " (the new mailbox's own mail added "
              << after.first - std::min(after.first, before.first) << ")\n";
    check(code == 200 && copied > 0 && assigned_ok, "mailbox copied and user reassigned");
    check(report.errors.empty(), main.settings.id + " round after the move: no errors");
    check(after.first == after.second && before.first == before.second,
          "one record per Message-ID for " + user.user + " (" + std::to_string(after.first)
            + " records, " + std::to_string(after.second) + " distinct ids): no duplicates");
    check(after.first <= before.first + (truth_count(target) - copied),
          "none of the " + std::to_string(copied) + " migrated copies became a new record");
  }

  /// inbox + sentitems messages of a simulator mailbox.
  size_t truth_count(const std::string& upn) {
    auto [code, truth] = control_.call("GET", "/_sim/mailboxes/" + upn + "/truth");
    size_t n = 0;
    if (code != 200) return 0;
    for (auto& m : truth.at("messages").as_array()) {
      auto folder = str(m.at("folder"));
      n += folder == "inbox" || folder == "sentitems" ? 1 : 0;
    }
    return n;
  }

  /// The acquired firm switched off and on: nothing is fetched while disabled; enabling resumes
  /// from the stored delta links (only the mail that arrived meanwhile comes in).
  void disable_enable() {
    auto& firm = tenants_[1];
    const auto& id = firm.settings.id;
    caf::scoped_actor self{sys_};
    auto enable = [&](bool on) {
      std::string state;
      self->request(engine_.org(), 30s, enable_atom_v, id, on)
        .receive([&](tenant_status& s) { state = to_string(s.state); },
                 [&](caf::error& err) { state = sys_.render(err); });
      return state;
    };
    std::cout << "\nDisable / enable: " << id << " (" << firm.role << ")\n";
    auto off = enable(false);
    auto upn = firm.users.front().mailbox;
    auto added = control_
                   .call("POST", "/_sim/mailboxes/" + upn + "/messages",
                         R"({"folder":"inbox","subject":"Engagement letter signed",)"
                         R"("from":{"name":"Client Desk","address":"desk@tailspintoys.com"}})")
                   .first;
    std::string refused;
    self->request(engine_.org(), 30s, sync_atom_v, id)
      .receive([&](round_report&) { refused = "(a round ran)"; },
               [&](caf::error& err) { refused = sys_.render(err); });
    auto on = enable(true);
    round_report report;
    self->request(engine_.org(), 600s, sync_atom_v, id)
      .receive([&](round_report& r) { report = std::move(r); },
               [&](caf::error& err) { report.errors.push_back(sys_.render(err)); });
    merge_into(results_[1].other, report);
    check(off == "disabled", "disabled: state " + off);
    check(added == 201 && !refused.empty() && refused != "(a round ran)",
          "a sync while disabled is refused: " + refused);
    check(on == "running", "enabled again: state " + on);
    check(report.errors.empty() && report.items == 1,
          "resumed from the stored delta links: " + std::to_string(report.items)
            + " new item (the message that arrived while disabled)");
  }

  /// Mutations in the first mailbox of every tenant: a new message, a changed subject, a
  /// deleted message and a new meeting.
  size_t mutate() {
    size_t done = 0;
    auto day = now_ms() / 86'400'000 * 86'400'000;
    for (auto& t : tenants_) {
      // The first mailbox the tenant still syncs (the legacy tenant's first user has moved).
      auto current = std::find_if(t.users.begin(), t.users.end(), [&](const user_assignment& u) {
        return assignment_[u.user] == t.settings.id;
      });
      if (current == t.users.end()) continue;
      const auto& upn = current->mailbox;
      auto [code, truth] = control_.call("GET", "/_sim/mailboxes/" + upn + "/truth");
      if (code != 200) continue;
      // Change and delete messages the store holds (not ones the rules excluded), so the
      // round's counts show the change.
      std::set<std::string> stored;
      store_.scan_emails(t.settings.id, [&](const email& e) {
        if (e.user == current->user) stored.insert(e.internet_message_id);
        return true;
      });
      std::string inbox_id, sent_id;
      for (auto& m : truth.at("messages").as_array()) {
        if (!stored.count(str(m.at("internet_message_id")))) continue;
        auto folder = str(m.at("folder"));
        if (folder == "inbox" && inbox_id.empty()) inbox_id = str(m.at("id"));
        if (folder == "sentitems" && sent_id.empty()) sent_id = str(m.at("id"));
      }
      auto base = "/_sim/mailboxes/" + upn;
      done += control_.call("POST", base + "/messages",
                            R"({"folder":"inbox","subject":"Fee proposal accepted",)"
                            R"("from":{"name":"Client","address":"cfo@fourthcoffee.com"}})")
                  .first == 201;
      if (!inbox_id.empty())
        done += control_.call("PATCH", base + "/messages/" + inbox_id,
                              R"({"subject":"Re: updated after the first round"})").first == 200;
      if (!sent_id.empty())
        done += control_.call("DELETE", base + "/messages/" + sent_id).first == 204;
      auto start = sim_time(day + 2 * 86'400'000 + 10 * 3'600'000);
      auto end = sim_time(day + 2 * 86'400'000 + 11 * 3'600'000);
      done += control_.call("POST", base + "/events",
                            R"({"subject":"Steering committee","start":{"dateTime":")" + start
                              + R"(","timeZone":"UTC"},"end":{"dateTime":")" + end
                              + R"(","timeZone":"UTC"}})").first == 201;
    }
    return done;
  }

private:
  static std::string sim_time(int64_t ms) {
    std::time_t s = ms / 1000;
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
  }

  void poll(caf::scoped_actor& self, std::vector<tenant_progress>& rows, int64_t started_ms) {
    self->request(engine_.org(), 5s, status_atom_v)
      .receive(
        [&](std::vector<tenant_status>& all) {
          for (auto& s : all)
            for (size_t i = 0; i < tenants_.size(); ++i)
              if (tenants_[i].settings.id == s.tenant) read_progress(s, started_ms, rows[i]);
        },
        [](caf::error&) {});
  }

  const demo_options& opts_;
  caf::actor_system& sys_;
  sync_engine& engine_;
  std::vector<demo_tenant>& tenants_;
  sim_control& control_;
  lmdb_store& store_;
  std::vector<tenant_result> results_;
  std::map<user_id, tenant_id> assignment_;
  bool briefing_added_ = false;
  bool ok_ = true;
};

std::string seconds(std::chrono::milliseconds ms) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(2) << ms.count() / 1000.0 << " s";
  return out.str();
}

int run_demo(const demo_options& opts) {
  auto wall_start = std::chrono::steady_clock::now();
  // The engine logs at warning and above only: the demo's own output tells the story.
  spdlog::set_level(spdlog::level::warn);
  bool temporary = opts.keep.empty();
  std::string data_dir = opts.keep;
  std::error_code ec;
  if (temporary) {
    std::string pattern = (fs::temp_directory_path() / "m365sync-demo-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "error: cannot create a temporary directory\n";
      return exit_failure;
    }
    data_dir = pattern;
  } else if (fs::exists(fs::path{data_dir} / "store" / "data.mdb", ec)) {
    std::cerr << "error: --keep " << data_dir
              << " already holds a store; name a new or empty directory\n";
    return exit_bad_config;
  }
  struct cleanup_dir {
    bool on;
    std::string dir;
    ~cleanup_dir() {
      std::error_code ignored;
      if (on) fs::remove_all(dir, ignored);
    }
  } cleanup{temporary, data_dir};

  sim::server_options so;
  so.tenants = opts.tenants;
  so.users = opts.users;
  so.messages = opts.messages;
  so.events = opts.events;
  so.seed = opts.seed;
  so.threads = 2;
  sim::server simulator;
  auto port = simulator.start(so);
  if (!port) {
    std::cerr << "error: the simulator did not start: " << port.error().to_string() << "\n";
    return exit_failure;
  }
  sim_control control{simulator.state()};
  auto manifest = json::parse(simulator.manifest_json()).as_object();
  auto tenants = tenants_of(manifest);
  auto rules = demo_rules(tenants);

  store_options sto;
  sto.path = (fs::path{data_dir} / "store").string();
  sto.no_sync = true;  // a demo: durability on power loss is not the point
  auto opened = lmdb_store::open(sto);
  if (!opened) {
    std::cerr << "error: cannot open the store: " << opened.error().to_string() << "\n";
    return exit_failure;
  }
  std::shared_ptr<lmdb_store> store{std::move(*opened)};

  std::cout << "m365sync demo: " << opts.tenants << " tenants x " << opts.users
            << " mailboxes, " << opts.messages << " messages and " << opts.events
            << " calendar items per mailbox (seed " << opts.seed << ")\n"
            << "Graph simulator: " << simulator.url() << " (in-process, loopback)\n"
            << "store: " << sto.path << (temporary ? " (temporary)" : " (kept)") << "\n\n"
            << "Tenants:\n";
  for (auto& t : tenants) {
    std::cout << "  " << std::left << std::setw(10) << t.settings.id << std::setw(20) << t.role
              << t.users.size() << " users, credential "
              << (t.use_certificate ? "certificate (JWT client assertion)" : "client secret")
              << ", internal domain " << t.settings.internal_domains.front() << "\n";
  }
  std::cout << "Rules:\n";
  for (auto& r : rules) {
    std::cout << "  " << std::left << std::setw(24) << r.id
              << (r.level == rule_level::org      ? "org"
                  : r.level == rule_level::tenant ? "tenant " + r.scope
                                                  : "user " + r.scope)
              << ": " << (r.action == rule_action::exclude ? "exclude " : "include ") << r.match
              << "\n";
  }

  // The store holds the tenants and users as serve's config would (written before the engine,
  // and so its single writer, starts): the rule evaluator checks rule scopes against them.
  for (auto& t : tenants) {
    auto st = store->put_tenant(t.settings);
    for (size_t i = 0; st && i < t.users.size(); ++i) st = store->put_user(t.users[i]);
    if (!st) {
      std::cerr << "error: cannot store tenant " << t.settings.id << ": " << st.to_string()
                << "\n";
      return exit_failure;
    }
  }

  sync_actor_config actor_config{0};
  caf::actor_system system{actor_config};
  sync_engine_options eo;
  eo.store = store;
  for (auto& t : tenants) {
    eo.tenants.push_back(t.settings);
    eo.users.insert(eo.users.end(), t.users.begin(), t.users.end());
  }
  eo.tuning.sync_at_start = false;
  eo.io_threads = 2;
  std::map<std::string, const demo_tenant*> by_id;
  for (auto& t : tenants) by_id[t.settings.id] = &t;
  eo.credentials = [by_id](const tenant_settings& s) -> expected<client_credential> {
    auto i = by_id.find(s.id);
    if (i == by_id.end()) return status::not_found("no credential for tenant " + s.id);
    client_credential c;
    c.client_id = s.client_id;
    if (i->second->use_certificate) {
      auto assertion =
        client_assertion::load(i->second->certificate_pem, i->second->private_key_pem);
      if (!assertion) return assertion.error();
      c.assertion = std::make_shared<const client_assertion>(std::move(*assertion));
    } else {
      c.client_secret = i->second->secret;
    }
    return c;
  };
  auto started = sync_engine::start(system, std::move(eo));
  if (!started) {
    std::cerr << "error: the sync engine did not start: " << started.error().to_string() << "\n";
    return exit_failure;
  }
  std::unique_ptr<sync_engine> engine = std::move(*started);
  {  // The rules go in as an admin would put them: through the rule evaluator, before round 1.
    caf::scoped_actor self{system};
    for (auto& r : rules) {
      bool stored = false;
      self->request(engine->rules(), std::chrono::seconds{30}, put_atom_v, r, std::string{"demo"})
        .receive([&](const rule_put_result&) { stored = true; },
                 [&](const caf::error& err) {
                   std::cerr << "error: rule " << r.id << ": " << system.render(err) << "\n";
                 });
      if (!stored) return exit_failure;
    }
  }

  demo_run run{opts, system, *engine, tenants, control, *store};
  run.assign_initial();
  run.add_briefing();
  std::cout << "\nRound 1: initial sync of every tenant, concurrently\n" << std::flush;
  auto round1_start = std::chrono::steady_clock::now();
  run.round(false);
  auto round1 = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - round1_start);
  auto after_first = count_store(*store);
  uint64_t total = 0;
  for (auto& [t, n] : after_first.emails) total += n;
  for (auto& [t, n] : after_first.events) total += n;
  std::cout << "  " << total << " activities stored in " << seconds(round1) << "\n";
  for (size_t i = 0; i < tenants.size(); ++i) {
    auto& r = run.results()[i];
    run.check(r.failure.empty() && r.first.errors.empty(),
              tenants[i].settings.id + ": " + std::to_string(r.first.mailboxes) + " mailboxes, "
                + std::to_string(r.first.items) + " items, " + std::to_string(r.first.excluded)
                + " excluded by rules"
                + (r.failure.empty() ? r.first.errors.empty() ? "" : ": " + r.first.errors.front()
                                     : ": " + r.failure));
  }

  run.check_rules();
  run.move_user();
  run.disable_enable();

  std::cout << "\nRound 2: after mutations through the simulator's /_sim/ API\n";
  auto mutations = run.mutate();
  std::cout << "  " << mutations << " changes made (new mail, changed subjects, deletions, "
            << "new meetings)\n" << std::flush;
  run.round(true);
  for (size_t i = 0; i < tenants.size(); ++i) {
    auto& r = run.results()[i].second;
    run.check(r.errors.empty() && r.items >= 3 && r.removed >= 1,
              tenants[i].settings.id + ": " + std::to_string(r.items) + " items changed, "
                + std::to_string(r.removed) + " removed, in "
                + seconds(run.results()[i].second_time));
  }

  auto final_counts = count_store(*store);
  std::cout << "\nSummary\n  " << std::left << std::setw(11) << "tenant" << std::setw(20)
            << "role" << std::right << std::setw(10) << "mailboxes" << std::setw(9) << "emails"
            << std::setw(8) << "events" << std::setw(10) << "excluded" << std::setw(8)
            << "errors" << std::setw(10) << "time" << "\n";
  for (size_t i = 0; i < tenants.size(); ++i) {
    auto& t = tenants[i];
    auto& r = run.results()[i];
    std::cout << "  " << std::left << std::setw(11) << t.settings.id << std::setw(20) << t.role
              << std::right << std::setw(10) << run.assigned(t.settings.id) << std::setw(9)
              << final_counts.emails[t.settings.id] << std::setw(8)
              << final_counts.events[t.settings.id] << std::setw(10)
              << r.first.excluded + r.second.excluded + r.other.excluded << std::setw(8)
              << r.first.errors.size() + r.second.errors.size() + r.other.errors.size()
                   + (r.failure.empty() ? 0 : 1)
              << std::setw(10) << seconds(r.first_time) << "\n";
  }
  auto counters = json::parse(simulator.state().stats().to_json());
  std::cout << "  (excluded and errors: every round; time: the initial round; Graph requests "
               "served: "
            << json::serialize(counters.at("requests").at("total"))
            << ")\n";

  engine->stop();
  engine.reset();
  store.reset();
  simulator.stop();
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - wall_start);
  std::cout << "\n" << (run.ok() ? "demo passed" : "demo FAILED") << " in " << seconds(wall)
            << (temporary ? "" : "; store kept in " + data_dir + "/store") << "\n";
  if (!run.ok()) std::cerr << "error: the demo found problems (lines marked FAIL above)\n";
  return run.ok() ? exit_ok : exit_failure;
}

} // namespace

void register_demo_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Run the whole engine against an in-process Graph "
                                         "simulator and print a per-tenant summary");
  auto opts = std::make_shared<demo_options>();
  cmd->add_option("--tenants", opts->tenants, "Simulated tenants (main office, acquired firm, "
                                              "legacy tenant, more branches)")
    ->capture_default_str()
    ->check(CLI::Range(3u, 8u));
  cmd->add_option("--users", opts->users, "Mailboxes per tenant")
    ->capture_default_str()
    ->check(CLI::Range(2u, 200u));
  cmd->add_option("--messages", opts->messages, "Messages per mailbox (all folders)")
    ->capture_default_str()
    ->check(CLI::Range(10u, 100000u));
  cmd->add_option("--events", opts->events, "Calendar items per mailbox")
    ->capture_default_str()
    ->check(CLI::Range(1u, 10000u));
  cmd->add_option("--seed", opts->seed, "Seed of the simulated data")->capture_default_str();
  cmd->add_option("--keep", opts->keep,
                  "Keep the store in DIR/store (export it later). Default: a temporary "
                  "directory, removed at exit")
    ->type_name("DIR");
  cmd->add_flag("-q,--quiet", opts->quiet, "No live progress on stderr");
  cmd->footer("Starts the Graph simulator on loopback with three tenants (main office, "
              "acquired firm with a certificate credential, legacy tenant being migrated), "
              "org/tenant/user rules, syncs every tenant concurrently with live progress, moves "
              "a user from the legacy tenant to the main office (no duplicates), disables and "
              "enables a tenant, runs a second round after mutations, and prints a per-tenant "
              "summary.\nExit codes: 0 every check passed, 1 a check failed, 2 bad arguments.");
  cmd->callback([&exit_code, opts] {
    try {
      exit_code = run_demo(*opts);
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = exit_failure;
    }
  });
}

} // namespace m365::cli
