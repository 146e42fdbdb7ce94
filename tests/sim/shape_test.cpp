// The simulator's bodies carry the same keys, JSON types and annotations as Microsoft's
// documented samples (tests/fixtures/graph/).
#include <catch2/catch.hpp>

#include "sim/time_text.hpp"
#include "tests/sim/json_shape.hpp"
#include "tests/sim/sim_harness.hpp"

using namespace m365::sim::testing;
namespace json = boost::json;

namespace {

json::value parse(const std::string& s) {
  return json::parse(s);
}

} // namespace

TEST_CASE("the shape checker itself reports missing keys and wrong types", "[sim][shape]") {
  auto fix = parse(R"({"a":1,"b":{"c":"x"},"d":[{"e":true}]})");
  CHECK(shape_report(parse(R"({"a":2,"b":{"c":"y","z":1},"d":[{"e":false}]})"), fix) == "");
  auto probs = shape_problems(parse(R"({"a":"2","b":{},"d":[{"e":1}]})"), fix);
  REQUIRE(probs.size() == 3);
  CHECK(probs[0] == "type of a: sim string, fixture number");
  CHECK(probs[1] == "missing key b.c");
  CHECK(probs[2] == "type of d[].e: sim number, fixture bool");
  shape_rules rules;
  rules.optional.insert("b.c");
  CHECK(shape_report(parse(R"({"a":1,"b":{},"d":[]})"), fix, rules) == "");
}

TEST_CASE("message delta pages have the documented shape", "[sim][shape][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto r = h.http().get(h.graph() + "/users/" + upn + "/mailFolders/inbox/messages/delta?$select=subject,sender,isRead",
                        h.auth(tok, "odata.maxpagesize=2"));
  REQUIRE(r.status == 200);
  auto page = parse(r.body);
  INFO(r.body);
  CHECK(shape_report(page, load_fixture("messages_delta_page1_nextlink.json")) == "");
  CHECK(page.as_object().at("value").as_array().size() == 2);
  CHECK(r.header("preference-applied") == "odata.maxpagesize=2");
  // $select keeps the page to the selected properties plus the annotations and id.
  for (auto& item : page.at("value").as_array()) {
    std::set<std::string> keys;
    for (auto& kv : item.as_object())
      keys.insert(std::string(kv.key()));
    CHECK(keys == std::set<std::string>{"@odata.type", "@odata.etag", "subject", "isRead", "sender", "id"});
  }
  // The nextLink has the fixture's absolute shape: {graph}/users/{id}/mailFolders('{id}')/messages/delta?$skiptoken=
  std::string next(page.at("@odata.nextLink").as_string());
  CHECK(next.rfind(h.graph() + "/users/", 0) == 0);
  CHECK(next.find("/mailFolders('") != std::string::npos);
  CHECK(next.find("')/messages/delta?$skiptoken=") != std::string::npos);
  // The last page of the round carries the deltaLink, as documented.
  std::string last;
  while (!next.empty()) {
    auto p = h.http().get(next, h.auth(tok));
    REQUIRE(p.status == 200);
    auto v = parse(p.body);
    next = v.as_object().contains("@odata.nextLink") ? std::string(v.at("@odata.nextLink").as_string()) : std::string();
    last = p.body;
  }
  CHECK(shape_report(parse(last), load_fixture("messages_delta_final_deltalink.json")) == "");
}

TEST_CASE("full messages match the documented message and the v1 reference page", "[sim][shape]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 1);
  auto r = h.http().get(h.graph() + "/users/" + upn + "/mailFolders/inbox/messages/delta", h.auth(tok, "odata.maxpagesize=5"));
  REQUIRE(r.status == 200);
  auto page = parse(r.body);
  CHECK(shape_report(page, load_fixture("messages_delta_v1_ref_nextlink.json")) == "");
  auto first = page.at("value").as_array().at(0);
  auto full = load_fixture("message_get_full.json");
  full.as_object().erase("@odata.context"); // delta items carry @odata.type instead
  CHECK(shape_report(first, full) == "");
  // A single GET of that message has the entity context, like the documented GET.
  std::string id(first.at("id").as_string());
  auto g = h.http().get(h.graph() + "/users/" + upn + "/messages/" + id, h.auth(tok));
  REQUIRE(g.status == 200);
  CHECK(shape_report(parse(g.body), load_fixture("message_get_full.json")) == "");
  // Dates are `2016-12-01T22:39:05Z` strings.
  std::string received(first.at("receivedDateTime").as_string());
  CHECK(received.size() == 20);
  CHECK(received.back() == 'Z');
}

TEST_CASE("a later delta round has the documented @removed entries and deltaLink", "[sim][shape][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto w = h.walk(h.graph() + "/users/" + upn + "/mailFolders/inbox/messages/delta?$select=subject,sender,isRead",
                  tok, "odata.maxpagesize=50");
  REQUIRE(w.failed_status == 0);
  REQUIRE(w.items.size() >= 2);
  std::string removed(w.items[0].at("id").as_string());
  std::string updated(w.items[1].at("id").as_string());
  REQUIRE(h.control("DELETE", "/_sim/mailboxes/" + upn + "/messages/" + removed).first == 204);
  REQUIRE(h.control("PATCH", "/_sim/mailboxes/" + upn + "/messages/" + updated, R"({"is_read":true})").first == 200);
  auto r = h.http().get(w.delta_link, h.auth(tok));
  REQUIRE(r.status == 200);
  auto page = parse(r.body);
  INFO(r.body);
  CHECK(shape_report(page, load_fixture("messages_delta_removed.json")) == "");
  // The documented quirk of that sample: in a later round isRead comes as a string.
  auto& items = page.at("value").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[1].at("isRead").is_string());
  CHECK(std::string(page.at("@odata.deltaLink").as_string()).find("$deltatoken=") != std::string::npos);
}

TEST_CASE("changeType=created pages match the docs, deltaLink with $skiptoken included", "[sim][shape][delta]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto w = h.walk(h.graph() + "/users/" + upn + "/mailFolders/inbox/messages/delta?changeType=created&$select=subject,sender,isRead",
                  tok, "odata.maxpagesize=3");
  REQUIRE(w.failed_status == 0);
  CHECK(w.delta_link.find("$skiptoken=") != std::string::npos);
  h.control("POST", "/_sim/mailboxes/" + upn + "/messages", R"({"subject":"Fresh","folder":"inbox"})");
  auto r = h.http().get(w.delta_link, h.auth(tok));
  REQUIRE(r.status == 200);
  CHECK(shape_report(parse(r.body), load_fixture("messages_delta_changetype_created_nextround.json")) == "");
}

TEST_CASE("calendarView delta pages match the documented event pages", "[sim][shape][calendar]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  int64_t anchor = h.state().data().anchor_time();
  std::string start = m365::sim::format_utc_z(anchor - 90 * 86400), end = m365::sim::format_utc_z(anchor + 240 * 86400);
  auto r = h.http().get(h.graph() + "/users/" + upn + "/calendarView/delta?startDateTime=" + start + "&endDateTime=" + end,
                        h.auth(tok, "odata.maxpagesize=2"));
  REQUIRE(r.status == 200);
  auto page = parse(r.body);
  INFO(r.body);
  shape_rules rules;
  rules.optional = {"value[].location.address", "value[].location.coordinates"};
  CHECK(shape_report(page, load_fixture("events_calendarview_delta_page1.json"), rules) == "");
  CHECK(shape_report(page, load_fixture("events_calendarview_delta_v1_ref_nextlink.json"), rules) == "");
  CHECK(shape_report(page, load_fixture("calendarview_list.json"), rules) == "");
  std::string next(page.at("@odata.nextLink").as_string());
  CHECK(next.find("/calendarView/delta?$skiptoken=") != std::string::npos);
  CHECK(next.find("startDateTime") == std::string::npos); // the window travels inside the token
  std::string dt(page.at("value").as_array().at(0).at("start").at("dateTime").as_string());
  CHECK(dt.size() == 27); // 2016-12-09T20:30:00.0000000
}

TEST_CASE("event create and update answers match the documented bodies", "[sim][shape][calendar]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  std::string body = R"({"subject":"Let's go brunch","body":{"contentType":"HTML","content":"Does late morning work for you?"},
    "start":{"dateTime":"2030-04-15T11:00:00","timeZone":"UTC"},"end":{"dateTime":"2030-04-15T12:00:00","timeZone":"UTC"},
    "location":{"displayName":"Harry's Bar"},"attendees":[{"emailAddress":{"address":"samanthab@contoso.com","name":"Samantha Booth"},"type":"required"}]})";
  auto hdr = h.auth(tok);
  hdr.emplace_back("Content-Type", "application/json");
  auto r = h.http().request("POST", h.graph() + "/users/" + upn + "/events", body, hdr);
  REQUIRE(r.status == 201);
  INFO(r.body);
  shape_rules rules;
  rules.optional = {"location.address", "location.coordinates", "locations[].address", "locations[].coordinates",
                    "locations[].uniqueId", "location.uniqueId"};
  CHECK(shape_report(parse(r.body), load_fixture("event_create_201.json"), rules) == "");
  CHECK(shape_report(parse(r.body), load_fixture("event_create_multiple_locations_201.json"), rules) == "");

  std::string recurring = R"({"subject":"Let's go for lunch","start":{"dateTime":"2030-09-02T12:00:00","timeZone":"UTC"},
    "end":{"dateTime":"2030-09-02T14:00:00","timeZone":"UTC"},
    "recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday"]},
                  "range":{"type":"endDate","startDate":"2030-09-02","endDate":"2030-12-31"}}})";
  auto rr = h.http().request("POST", h.graph() + "/users/" + upn + "/events", recurring, hdr);
  REQUIRE(rr.status == 201);
  CHECK(shape_report(parse(rr.body), load_fixture("event_create_recurring_201.json"), rules) == "");
  CHECK(std::string(parse(rr.body).at("type").as_string()) == "seriesMaster");

  std::string id(parse(r.body).at("id").as_string());
  auto p = h.http().request("PATCH", h.graph() + "/users/" + upn + "/events/" + id, R"({"subject":"Brunch, later"})", hdr);
  REQUIRE(p.status == 200);
  shape_rules upd;
  upd.optional = {"onlineMeeting.joinUrl", "onlineMeeting.conferenceId", "onlineMeeting.tollNumber"};
  CHECK(shape_report(parse(p.body), load_fixture("event_update_200.json"), upd) == "");
}

TEST_CASE("error, throttling and token bodies match the documented ones", "[sim][shape][errors]") {
  sim_harness h;
  std::string tok = h.token(0);
  auto r = h.http().get(h.graph() + "/users/nobody@contoso.com/mailFolders", h.auth(tok));
  CHECK(r.status == 404);
  CHECK(shape_report(parse(r.body), load_fixture("error_generic.json")) == "");

  REQUIRE(h.control("PUT", "/_sim/faults", R"({"throttle_429":1.0,"retry_after_seconds":[2.128]})").first == 200);
  auto t = h.http().get(h.graph() + "/users/" + h.user_upn(0, 0) + "/mailFolders", h.auth(tok));
  CHECK(t.status == 429);
  CHECK(t.header("retry-after") == "2.128");
  CHECK(shape_report(parse(t.body), load_fixture("error_throttled_429.json")) == "");
  CHECK(std::string(parse(t.body).at("error").at("code").as_string()) == "ApplicationThrottled");

  auto& tenant = h.tenant(0);
  std::string form = "grant_type=client_credentials&client_id=" + std::string(tenant.at("client_id").as_string()) +
                     "&client_secret=" + std::string(tenant.at("client_secret").as_string()) + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
  auto ok = h.http().request("POST", "/" + std::string(tenant.at("directory_id").as_string()) + "/oauth2/v2.0/token", form);
  REQUIRE(ok.status == 200);
  CHECK(shape_report(parse(ok.body), load_fixture("token_success.json")) == "");
  std::string bad_scope = "grant_type=client_credentials&client_id=" + std::string(tenant.at("client_id").as_string()) +
                          "&client_secret=x&scope=https%3A%2F%2Ffoo.microsoft.com%2F.default";
  auto err = h.http().request("POST", "/" + std::string(tenant.at("directory_id").as_string()) + "/oauth2/v2.0/token", bad_scope);
  CHECK(err.status == 400);
  CHECK(shape_report(parse(err.body), load_fixture("token_error_invalid_scope.json")) == "");
  CHECK(parse(err.body).at("error_codes").as_array().at(0).as_int64() == 70011);
}
