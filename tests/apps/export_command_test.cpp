// `m365sync export` over a store filled by a real (small) demo run: every stored activity comes
// out as one JSON line, the filters select what they say, bad arguments exit 2.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "store/lmdb_store.hpp"
#include "tests/apps/child_process.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using namespace std::chrono_literals;
using m365::testing::run_to_end;
using m365::test::temp_directory;

namespace {

const std::string binary = M365SYNC_BINARY;

std::vector<boost::json::object> lines_of(const std::string& path) {
  std::ifstream in{path};
  std::vector<boost::json::object> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(boost::json::parse(line).as_object());
  return out;
}

std::string text(const boost::json::object& o, const char* key) {
  return std::string(o.at(key).as_string());
}

/// One demo run shared by the test cases of this file (it takes a few seconds).
struct demo_store {
  demo_store() {
    auto run = run_to_end({binary, "demo", "--users", "2", "--messages", "120", "--events", "12",
                           "--quiet", "--keep", dir.file("data")},
                          300s);
    output = run.output;
    exit_code = run.exit_code;
    store_options options;
    options.path = dir.file("data/store");
    options.read_only = true;
    auto store = lmdb_store::open(options);
    if (!store) return;
    (*store)->scan_emails("", [&](const email& e) {
      ++emails[e.tenant];
      ++user_emails[e.user];
      return true;
    });
    (*store)->scan_events("", [&](const event& e) {
      ++events[e.tenant];
      return true;
    });
  }
  temp_directory dir;
  std::string output;
  int exit_code = -1;
  std::map<std::string, size_t> emails, events, user_emails;
  size_t total_emails() const {
    size_t n = 0;
    for (auto& [t, c] : emails) n += c;
    return n;
  }
  size_t total_events() const {
    size_t n = 0;
    for (auto& [t, c] : events) n += c;
    return n;
  }
};

demo_store& shared_demo() {
  static demo_store store;
  return store;
}

} // namespace

TEST_CASE("export writes one JSON line per stored activity with provenance and times",
          "[apps][export]") {
  auto& demo = shared_demo();
  INFO(demo.output);
  REQUIRE(demo.exit_code == 0);
  REQUIRE(demo.total_emails() > 0);
  REQUIRE(demo.total_events() > 0);
  auto out = demo.dir.file("all.jsonl");
  auto run = run_to_end({binary, "export", "--data-dir", demo.dir.file("data"), "--output", out});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  auto lines = lines_of(out);
  CHECK(lines.size() == demo.total_emails() + demo.total_events());
  CHECK(run.output.find("exported " + std::to_string(lines.size()) + " activities") !=
        std::string::npos);
  size_t with_rule = 0;
  for (auto& l : lines) {
    CHECK_FALSE(text(l, "tenant").empty());
    CHECK_FALSE(text(l, "user").empty());
    CHECK_FALSE(text(l, "graph_id").empty());
    if (text(l, "kind") == "email") {
      CHECK_FALSE(text(l, "internet_message_id").empty());
      CHECK(text(l, "received_at").back() == 'Z');
      CHECK(l.at("from").as_object().contains("address"));
    } else {
      CHECK(text(l, "kind") == "event");
      CHECK_FALSE(text(l, "ical_uid").empty());
      CHECK(text(l, "start").back() == 'Z');
    }
    if (l.at("rule").is_object()) {
      ++with_rule;
      CHECK_FALSE(text(l.at("rule").as_object(), "id").empty());
    }
  }
  // The demo's user override includes "Market briefing" newsletters for one user: those lines
  // name the deciding rule.
  CHECK(with_rule > 0);
}

TEST_CASE("export filters by tenant, user, kind and time", "[apps][export]") {
  auto& demo = shared_demo();
  REQUIRE(demo.exit_code == 0);
  const std::string data = demo.dir.file("data");
  auto tenant = demo.emails.begin()->first;
  auto by_tenant = demo.dir.file("tenant.jsonl");
  REQUIRE(run_to_end({binary, "export", "-d", data, "--tenant", tenant, "-o", by_tenant})
            .exit_code == 0);
  auto lines = lines_of(by_tenant);
  CHECK(lines.size() == demo.emails[tenant] + demo.events[tenant]);
  for (auto& l : lines) CHECK(text(l, "tenant") == tenant);

  auto emails_only = demo.dir.file("emails.jsonl");
  REQUIRE(run_to_end({binary, "export", "-d", data, "--kind", "email", "-o", emails_only})
            .exit_code == 0);
  CHECK(lines_of(emails_only).size() == demo.total_emails());

  auto user = demo.user_emails.begin()->first;
  auto by_user = demo.dir.file("user.jsonl");
  REQUIRE(run_to_end({binary, "export", "-d", data, "--user", user, "--kind", "email", "-o",
                      by_user})
            .exit_code == 0);
  auto user_lines = lines_of(by_user);
  CHECK(user_lines.size() == demo.user_emails[user]);
  for (auto& l : user_lines) CHECK(text(l, "user") == user);

  // --since: the median received time splits the tenant's mail; nothing older comes out.
  std::vector<std::string> times;
  for (auto& l : lines)
    if (text(l, "kind") == "email") times.push_back(text(l, "received_at"));
  std::sort(times.begin(), times.end());
  REQUIRE(times.size() > 2);
  auto since = times[times.size() / 2];
  auto recent = demo.dir.file("recent.jsonl");
  REQUIRE(run_to_end({binary, "export", "-d", data, "--tenant", tenant, "--kind", "email",
                      "--since", since, "-o", recent})
            .exit_code == 0);
  auto recent_lines = lines_of(recent);
  auto expected = static_cast<size_t>(
    std::count_if(times.begin(), times.end(), [&](const std::string& t) { return t >= since; }));
  CHECK(recent_lines.size() == expected);
  CHECK(recent_lines.size() < times.size());
  for (auto& l : recent_lines) CHECK(text(l, "received_at") >= since);
  // A bare date is its midnight UTC.
  auto day = since.substr(0, 10);
  auto from_day = demo.dir.file("day.jsonl");
  REQUIRE(run_to_end({binary, "export", "-d", data, "--tenant", tenant, "--kind", "email",
                      "--since", day, "-o", from_day})
            .exit_code == 0);
  auto day_lines = lines_of(from_day);
  CHECK(day_lines.size() == static_cast<size_t>(std::count_if(
                              times.begin(), times.end(),
                              [&](const std::string& t) { return t >= day + "T00:00:00Z"; })));
}

TEST_CASE("export refuses bad arguments and a missing store with exit code 2",
          "[apps][export]") {
  temp_directory dir;
  auto missing = run_to_end({binary, "export", "--data-dir", dir.file("nothing")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("no store at") != std::string::npos);
  CHECK(run_to_end({binary, "export"}).exit_code == 2);
  auto& demo = shared_demo();
  REQUIRE(demo.exit_code == 0);
  auto kind = run_to_end({binary, "export", "-d", demo.dir.file("data"), "--kind", "mail"});
  CHECK(kind.exit_code == 2);
  auto since = run_to_end({binary, "export", "-d", demo.dir.file("data"), "--since", "yesterday"});
  CHECK(since.exit_code == 2);
  CHECK(since.output.find("not an ISO 8601") != std::string::npos);
}
