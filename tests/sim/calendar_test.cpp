// calendarView delta with its fixed window, recurring series, event writes with transactionId
// idempotency and If-Match, and $batch.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "sim/time_text.hpp"
#include "tests/sim/json_shape.hpp"
#include "tests/sim/sim_harness.hpp"

using namespace m365::sim::testing;
namespace json = boost::json;
using m365::sim::format_utc_z;
using m365::sim::parse_iso_time;

namespace {

struct window {
  int64_t start, end;
};

std::string view_url(sim_harness& h, const std::string& upn, window w) {
  return h.graph() + "/users/" + upn + "/calendarView/delta?startDateTime=" + format_utc_z(w.start) +
         "&endDateTime=" + format_utc_z(w.end);
}

std::vector<std::pair<std::string, std::string>> json_headers(sim_harness& h, const std::string& tok) {
  auto hd = h.auth(tok);
  hd.emplace_back("Content-Type", "application/json");
  return hd;
}

std::string event_body(const std::string& subject, const std::string& start, const std::string& end,
                       const std::string& extra = {}) {
  return R"({"subject":")" + subject + R"(","start":{"dateTime":")" + start + R"(","timeZone":"UTC"},"end":{"dateTime":")" +
         end + R"(","timeZone":"UTC"})" + extra + "}";
}

} // namespace

TEST_CASE("calendarView delta keeps to its window and expands series", "[sim][calendar]") {
  auto o = sim_harness::defaults();
  o.events = 60;
  sim_harness h(o);
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 1);
  int64_t anchor = h.state().data().anchor_time();
  window w{anchor - 60 * 86400, anchor + 180 * 86400};
  auto walk = h.walk(view_url(h, upn, w), tok, "odata.maxpagesize=5");
  REQUIRE(walk.failed_status == 0);
  REQUIRE(!walk.items.empty());
  std::set<std::string> ids;
  size_t occurrences = 0, exceptions = 0;
  for (auto& e : walk.items) {
    ids.insert(std::string(e.at("id").as_string()));
    int64_t s = *parse_iso_time(e.at("start").at("dateTime").as_string());
    int64_t en = *parse_iso_time(e.at("end").at("dateTime").as_string());
    CHECK(s < w.end);
    CHECK(en > w.start);
    std::string type(e.at("type").as_string());
    CHECK(type != "seriesMaster");
    if (type == "occurrence" || type == "exception") {
      CHECK(e.at("seriesMasterId").is_string());
      occurrences += type == "occurrence";
      exceptions += type == "exception";
    }
  }
  CHECK(ids.size() == walk.items.size());
  CHECK(occurrences > 0);
  CHECK(exceptions > 0);
  // The window is inside the links: the deltaLink of another window walks differently.
  CHECK(walk.delta_link.find("startDateTime") == std::string::npos);
  auto quiet = h.walk(walk.delta_link, tok, "odata.maxpagesize=5");
  CHECK(quiet.items.empty());
}

TEST_CASE("an event moved out of the window is reported as @removed", "[sim][calendar]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  int64_t anchor = h.state().data().anchor_time();
  window w{anchor, anchor + 7 * 86400};
  std::string in_start = format_utc_z(anchor + 86400 + 9 * 3600), in_end = format_utc_z(anchor + 86400 + 10 * 3600);
  auto created = h.http().request("POST", h.graph() + "/users/" + upn + "/events",
                                  event_body("Budget review", in_start, in_end), json_headers(h, tok));
  REQUIRE(created.status == 201);
  std::string id(json::parse(created.body).at("id").as_string());
  auto first = h.walk(view_url(h, upn, w), tok, "odata.maxpagesize=50");
  bool seen = false;
  for (auto& e : first.items)
    seen = seen || e.at("id").as_string() == id;
  CHECK(seen);

  std::string far = format_utc_z(anchor + 30 * 86400);
  std::string far_end = format_utc_z(anchor + 30 * 86400 + 3600);
  auto moved = h.http().request("PATCH", h.graph() + "/users/" + upn + "/events/" + id,
                                R"({"start":{"dateTime":")" + far + R"(","timeZone":"UTC"},"end":{"dateTime":")" + far_end + R"(","timeZone":"UTC"}})",
                                json_headers(h, tok));
  REQUIRE(moved.status == 200);
  auto round = h.walk(first.delta_link, tok, "odata.maxpagesize=50");
  REQUIRE(round.items.size() == 1);
  CHECK(round.items[0].at("id").as_string() == id);
  CHECK(round.items[0].at("@removed").at("reason").as_string() == "deleted");
  auto shape = shape_report(json::value(json::object{{"value", json::array{round.items[0]}}}),
                              load_fixture("events_calendarview_delta_removed.json"),
                              shape_rules{{"value[].location.address", "value[].location.coordinates", "@odata.context", "@odata.deltaLink"}, {}});
  CHECK(shape == "");
}

TEST_CASE("a second POST with the same transactionId returns the first event", "[sim][calendar]") {
  sim_harness h;
  std::string tok = h.token(1);
  std::string upn = h.user_upn(1, 2);
  std::string body = event_body("CRM meeting", "2030-01-10T10:00:00", "2030-01-10T11:00:00",
                                R"(,"transactionId":"crm-evt-0001")");
  auto a = h.http().request("POST", h.graph() + "/users/" + upn + "/events", body, json_headers(h, tok));
  auto b = h.http().request("POST", h.graph() + "/users/" + upn + "/events", body, json_headers(h, tok));
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  CHECK(json::parse(a.body).at("id") == json::parse(b.body).at("id"));
  CHECK(json::parse(a.body).at("transactionId").as_string() == "crm-evt-0001");
  CHECK(h.state().stats().duplicates_total() == 1);
  auto [status, truth] = h.control("GET", "/_sim/mailboxes/" + upn + "/truth");
  size_t with_tid = 0;
  for (auto& e : truth.at("events").as_array())
    with_tid += e.at("transaction_id").is_string() && e.at("transaction_id").as_string() == "crm-evt-0001";
  CHECK(with_tid == 1);
  // Another mailbox may use the same transactionId for its own event.
  auto c = h.http().request("POST", h.graph() + "/users/" + h.user_upn(1, 0) + "/events", body, json_headers(h, tok));
  CHECK(json::parse(c.body).at("id") != json::parse(a.body).at("id"));
}

TEST_CASE("PATCH with a stale If-Match is 412; DELETE is 204 then 404", "[sim][calendar]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  auto a = h.http().request("POST", h.graph() + "/users/" + upn + "/events",
                            event_body("Partner review", "2030-02-01T09:00:00", "2030-02-01T10:00:00"), json_headers(h, tok));
  REQUIRE(a.status == 201);
  auto created = json::parse(a.body);
  std::string id(created.at("id").as_string());
  std::string etag(created.at("@odata.etag").as_string());
  auto hd = json_headers(h, tok);
  hd.emplace_back("If-Match", etag);
  auto p1 = h.http().request("PATCH", h.graph() + "/users/" + upn + "/events/" + id, R"({"subject":"v2"})", hd);
  REQUIRE(p1.status == 200);
  CHECK(json::parse(p1.body).at("@odata.etag").as_string() != etag);
  auto p2 = h.http().request("PATCH", h.graph() + "/users/" + upn + "/events/" + id, R"({"subject":"v3"})", hd);
  CHECK(p2.status == 412);
  CHECK(json::parse(p2.body).at("error").at("code").as_string() == "ErrorIrresolvableConflict");
  auto g = h.http().get(h.graph() + "/users/" + upn + "/events/" + id, h.auth(tok));
  CHECK(json::parse(g.body).at("subject").as_string() == "v2");
  CHECK(h.http().request("DELETE", h.graph() + "/users/" + upn + "/events/" + id, {}, h.auth(tok)).status == 204);
  auto again = h.http().request("DELETE", h.graph() + "/users/" + upn + "/events/" + id, {}, h.auth(tok));
  CHECK(again.status == 404);
  CHECK(json::parse(again.body).at("error").at("code").as_string() == "ErrorItemNotFound");
}

TEST_CASE("$batch runs up to 20 requests with a status per item", "[sim][batch]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  std::string body = R"({"requests":[
    {"id":"1","method":"GET","url":"/users/)" + upn + R"(/mailFolders"},
    {"id":"2","method":"POST","url":"/users/)" + upn + R"(/events","headers":{"Content-Type":"application/json"},
     "body":)" + event_body("Batched", "2030-03-01T09:00:00", "2030-03-01T10:00:00") + R"(},
    {"id":"3","method":"GET","url":"/users/nobody@contoso.com/mailFolders"},
    {"id":"4","method":"GET","url":"/me/messages"}]})";
  auto r = h.http().request("POST", h.graph() + "/$batch", body, json_headers(h, tok));
  REQUIRE(r.status == 200);
  auto v = json::parse(r.body);
  std::map<std::string, int64_t> status;
  for (auto& item : v.at("responses").as_array())
    status[std::string(item.at("id").as_string())] = item.at("status").as_int64();
  CHECK(status == std::map<std::string, int64_t>{{"1", 200}, {"2", 201}, {"3", 404}, {"4", 400}});
  shape_rules rules;
  rules.optional = {"responses[].headers.x-ms-resource-unit", "responses[].headers.X-ProxyCluster",
                    "responses[].headers.X-OfficeCluster", "responses[].headers.X-Tasks-CorrelationId",
                    "responses[].headers.OData-Version"};
  rules.any_type = {"responses[].body"};
  CHECK(shape_report(v, load_fixture("batch_response.json"), rules) == "");
  auto error_item = v.at("responses").as_array().at(2).at("body");
  auto fixture_error = load_fixture("batch_response.json").at("responses").as_array().at(2).at("body");
  CHECK(shape_report(error_item, fixture_error) == "");

  std::string many = R"({"requests":[)";
  for (int i = 0; i < 21; ++i)
    many += (i ? "," : "") + std::string(R"({"id":")") + std::to_string(i) + R"(","method":"GET","url":"/users"})";
  many += "]}";
  CHECK(h.http().request("POST", h.graph() + "/$batch", many, json_headers(h, tok)).status == 400);
}

TEST_CASE("$batch items are throttled one by one with their own 429", "[sim][batch][throttle]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  REQUIRE(h.control("PUT", "/_sim/faults", R"({"throttle_429":1.0,"retry_after_seconds":[1.5]})").first == 200);
  std::string body = R"({"requests":[{"id":"a","method":"GET","url":"/users/)" + upn +
                     R"(/mailFolders"},{"id":"b","method":"GET","url":"/users"}]})";
  auto r = h.http().request("POST", h.graph() + "/$batch", body, json_headers(h, tok));
  REQUIRE(r.status == 200);
  auto items = json::parse(r.body).at("responses").as_array();
  CHECK(items.at(0).at("status").as_int64() == 429);
  CHECK(items.at(0).at("headers").at("Retry-After").as_string() == "1.5");
  CHECK(items.at(0).at("body").at("error").at("code").as_string() == "ApplicationThrottled");
  CHECK(items.at(1).at("status").as_int64() == 200); // /users is not mailbox-scoped
}

TEST_CASE("a calendar round is a snapshot: items created mid-round wait for the next round", "[sim][calendar]") {
  sim_harness h;
  std::string tok = h.token(0);
  std::string upn = h.user_upn(0, 0);
  int64_t anchor = h.state().data().anchor_time();
  window w{anchor - 60 * 86400, anchor + 180 * 86400};
  auto first = h.http().get(view_url(h, upn, w), h.auth(tok, "odata.maxpagesize=2"));
  REQUIRE(first.status == 200);
  std::string next(json::parse(first.body).at("@odata.nextLink").as_string());
  std::string start = format_utc_z(anchor - 59 * 86400), end = format_utc_z(anchor - 59 * 86400 + 1800);
  auto created = h.http().request("POST", h.graph() + "/users/" + upn + "/events", event_body("Mid-round", start, end),
                                  json_headers(h, tok));
  REQUIRE(created.status == 201);
  std::string id(json::parse(created.body).at("id").as_string());
  auto rest = h.walk(next, tok, "odata.maxpagesize=2");
  REQUIRE(rest.failed_status == 0);
  size_t in_round = 0;
  for (auto& e : rest.items)
    in_round += e.at("id").as_string() == id;
  CHECK(in_round == 0);
  auto following = h.walk(rest.delta_link, tok, "odata.maxpagesize=2");
  REQUIRE(following.items.size() == 1);
  CHECK(following.items[0].at("id").as_string() == id);
}
