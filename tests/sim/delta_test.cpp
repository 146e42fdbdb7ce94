// Message delta: a walk returns every message of the folder exactly once, the next round only
// the changes, moves and deletes as @removed; links are opaque, MAC-protected and 410 when stale.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "tests/sim/sim_harness.hpp"

using namespace m365::sim::testing;
namespace json = boost::json;

namespace {

std::set<std::string> live_ids(sim_harness& h, const std::string& upn, const std::string& folder, bool immutable) {
  auto [status, truth] = h.control("GET", "/_sim/mailboxes/" + upn + "/truth");
  REQUIRE(status == 200);
  std::set<std::string> out;
  for (auto& m : truth.at("messages").as_array())
    if (m.at("folder").as_string() == folder)
      out.insert(std::string(m.at(immutable ? "immutable_id" : "id").as_string()));
  return out;
}

std::string delta_url(sim_harness& h, const std::string& upn, const std::string& folder) {
  return h.graph() + "/users/" + upn + "/mailFolders/" + folder + "/messages/delta?$select=subject,isRead";
}

} // namespace

TEST_CASE("a delta walk returns every message of the folder exactly once", "[sim][delta]") {
  auto o = sim_harness::defaults();
  o.messages = 500;
  sim_harness h(o);
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 2);
  for (std::string folder : {"inbox", "sentitems", "archive"}) {
    for (std::string page : {"odata.maxpagesize=7", "odata.maxpagesize=1000"}) {
      auto w = h.walk(delta_url(h, upn, folder), tok, page);
      REQUIRE(w.failed_status == 0);
      std::multiset<std::string> ids;
      for (auto& it : w.items)
        ids.insert(std::string(it.at("id").as_string()));
      std::set<std::string> unique(ids.begin(), ids.end());
      CHECK(unique.size() == ids.size());
      CHECK(unique == live_ids(h, upn, folder, false));
    }
  }
}

TEST_CASE("the default page size is 10 and maxpagesize is capped at 1000", "[sim][delta]") {
  auto o = sim_harness::defaults();
  o.messages = 3000;
  sim_harness h(o);
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto r = h.http().get(delta_url(h, upn, "inbox"), h.auth(tok));
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body).at("value").as_array().size() == 10);
  CHECK(r.header("preference-applied").empty());
  auto big = h.http().get(delta_url(h, upn, "inbox"), h.auth(tok, "odata.maxpagesize=5000"));
  CHECK(json::parse(big.body).at("value").as_array().size() == 1000);
  CHECK(big.header("preference-applied") == "odata.maxpagesize=1000");
}

TEST_CASE("the deltaLink round returns only what changed after it was issued", "[sim][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto first = h.walk(delta_url(h, upn, "inbox"), tok, "odata.maxpagesize=4");
  REQUIRE(first.failed_status == 0);
  auto quiet = h.walk(first.delta_link, tok, "odata.maxpagesize=4");
  CHECK(quiet.items.empty());

  auto before = live_ids(h, upn, "inbox", false);
  std::vector<std::string> ids(before.begin(), before.end());
  auto [s1, added] = h.control("POST", "/_sim/mailboxes/" + upn + "/messages", R"({"subject":"Engagement letter signed","folder":"inbox"})");
  REQUIRE(s1 == 201);
  REQUIRE(h.control("PATCH", "/_sim/mailboxes/" + upn + "/messages/" + ids[0], R"({"subject":"edited","is_read":false})").first == 200);
  REQUIRE(h.control("PATCH", "/_sim/mailboxes/" + upn + "/messages/" + ids[0], R"({"subject":"edited twice"})").first == 200);
  REQUIRE(h.control("DELETE", "/_sim/mailboxes/" + upn + "/messages/" + ids[1]).first == 204);
  auto [s3, moved] = h.control("POST", "/_sim/mailboxes/" + upn + "/messages/" + ids[2] + "/move", R"({"folder":"archive"})");
  REQUIRE(s3 == 200);

  auto round = h.walk(quiet.delta_link, tok, "odata.maxpagesize=2");
  REQUIRE(round.failed_status == 0);
  std::map<std::string, json::object> by_id;
  for (auto& it : round.items)
    by_id[std::string(it.at("id").as_string())] = it;
  CHECK(round.items.size() == 4); // added, edited (once, though changed twice), deleted, moved out
  CHECK(by_id.count(std::string(added.at("id").as_string())) == 1);
  REQUIRE(by_id.count(ids[0]) == 1);
  CHECK(by_id[ids[0]].at("subject").as_string() == "edited twice");
  REQUIRE(by_id.count(ids[1]) == 1);
  CHECK(by_id[ids[1]].at("@removed").at("reason").as_string() == "deleted");
  REQUIRE(by_id.count(ids[2]) == 1);
  CHECK(by_id[ids[2]].contains("@removed"));

  // The move shows up as an addition in the archive's delta, under the message's new id.
  auto archive = h.walk(delta_url(h, upn, "archive"), tok, "odata.maxpagesize=50");
  std::set<std::string> archive_ids;
  for (auto& it : archive.items)
    archive_ids.insert(std::string(it.at("id").as_string()));
  CHECK(archive_ids.count(std::string(moved.at("id").as_string())) == 1);
  CHECK(std::string(moved.at("id").as_string()) != ids[2]); // regular ids change with the folder
}

TEST_CASE("immutable ids stay the same across a move", "[sim][delta]") {
  sim_harness h;
  std::string tok = h.token(1);
  std::string upn = h.user_upn(1, 0);
  std::string prefer = "odata.maxpagesize=100, IdType=\"ImmutableId\"";
  auto w = h.walk(delta_url(h, upn, "inbox"), tok, prefer);
  REQUIRE(w.failed_status == 0);
  auto r = h.http().get(delta_url(h, upn, "inbox"), h.auth(tok, prefer));
  CHECK(r.header("preference-applied") == "odata.maxpagesize=100, IdType=\"ImmutableId\"");
  std::string id(w.items.at(0).at("id").as_string());
  CHECK(live_ids(h, upn, "inbox", true).count(id) == 1);
  // Two separate Prefer headers mean the same as one with both preferences.
  auto split = h.http().get(delta_url(h, upn, "inbox"),
                            {{"Authorization", "Bearer " + tok}, {"Prefer", "IdType=\"ImmutableId\""}, {"Prefer", "odata.maxpagesize=100"}});
  CHECK(split.header("preference-applied") == "odata.maxpagesize=100, IdType=\"ImmutableId\"");
  auto [status, moved] = h.control("POST", "/_sim/mailboxes/" + upn + "/messages/" + id + "/move", R"({"folder":"archive"})");
  REQUIRE(status == 200);
  CHECK(std::string(moved.at("immutable_id").as_string()) == id);
  auto round = h.walk(w.delta_link, tok, prefer);
  REQUIRE(round.items.size() == 1);
  CHECK(std::string(round.items[0].at("id").as_string()) == id);
  CHECK(round.items[0].contains("@removed"));
}

TEST_CASE("the same seed gives the same data; another seed different data", "[sim][delta][seed]") {
  auto collect = [](uint64_t seed) {
    auto o = sim_harness::defaults();
    o.seed = seed;
    sim_harness h(o);
    std::string tok = h.token(0);
    auto r = h.http().get(h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders/inbox/messages/delta",
                          h.auth(tok, "odata.maxpagesize=20"));
    auto v = json::parse(r.body);
    return json::serialize(v.at("value"));
  };
  CHECK(collect(5) == collect(5));
  CHECK(collect(5) != collect(6));
}

TEST_CASE("seeded mailboxes look like an advisory firm's", "[sim][data]") {
  auto o = sim_harness::defaults();
  o.messages = 400;
  sim_harness h(o);
  std::string tok = h.token(0);
  std::map<std::string, std::set<std::string>> imid_users; // internetMessageId -> mailboxes
  size_t replies = 0, newsletters = 0, total = 0, body_bytes = 0;
  std::vector<size_t> sizes;
  for (size_t t = 0; t < 2; ++t) {
    std::string tt = h.token(t);
    for (size_t u = 0; u < 3; ++u) {
      std::string upn = h.user_upn(t, u);
      auto w = h.walk(h.graph() + "/users/" + upn + "/mailFolders/inbox/messages/delta", tt, "odata.maxpagesize=1000");
      REQUIRE(w.failed_status == 0);
      for (auto& m : w.items) {
        ++total;
        imid_users[std::string(m.at("internetMessageId").as_string())].insert(upn);
        std::string subject(m.at("subject").as_string());
        replies += subject.rfind("RE: ", 0) == 0;
        std::string from(m.at("from").at("emailAddress").at("address").as_string());
        newsletters += subject.find("Newsletter") != std::string::npos || from.find("noreply") != std::string::npos ||
                       from.find("no-reply") != std::string::npos;
        size_t len = m.at("body").at("content").as_string().size();
        sizes.push_back(len);
        body_bytes += len;
      }
    }
  }
  size_t cross_tenant = 0;
  for (auto& [id, users] : imid_users) {
    std::set<std::string> domains;
    for (auto& u : users)
      domains.insert(u.substr(u.find('@')));
    cross_tenant += domains.size() > 1;
  }
  CHECK(cross_tenant > 0);
  CHECK(replies > total / 10);
  CHECK(newsletters > total / 50);
  std::sort(sizes.begin(), sizes.end());
  size_t median = sizes[sizes.size() / 2];
  CHECK(median > 1500);
  CHECK(median < 8000);
  CHECK(sizes.back() > 40000); // a long tail
}

TEST_CASE("links are opaque: a forged or edited token is refused, a stale one is 410", "[sim][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto r = h.http().get(delta_url(h, upn, "inbox"), h.auth(tok, "odata.maxpagesize=2"));
  std::string next(json::parse(r.body).at("@odata.nextLink").as_string());
  std::string edited = next;
  edited[edited.size() - 3] = edited[edited.size() - 3] == 'A' ? 'B' : 'A';
  auto bad = h.http().get(edited, h.auth(tok));
  CHECK(bad.status == 400);
  REQUIRE(h.control("POST", "/_sim/mailboxes/" + upn + "/invalidate").first == 200);
  auto gone = h.http().get(next, h.auth(tok));
  CHECK(gone.status == 410);
  CHECK(json::parse(gone.body).at("error").at("code").as_string() == "syncStateNotFound");
  // A fresh initial request works again.
  CHECK(h.http().get(delta_url(h, upn, "inbox"), h.auth(tok)).status == 200);
}

TEST_CASE("an unknown $select property is a 400 like Graph's", "[sim][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  auto r = h.http().get(h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders/inbox/messages/delta?$select=subject,nonsense",
                        h.auth(tok));
  CHECK(r.status == 400);
  CHECK(r.body.find("nonsense") != std::string::npos);
}
