// The engine's Graph requests: initial delta URLs, the calendar window, and the Prefer header
// that must travel with every request.
#include <catch2/catch.hpp>

#include "adapters/graph_requests.hpp"

using namespace m365;

namespace {
graph_endpoint graph() {
  auto ep = graph_endpoint::parse("https://graph.microsoft.com/v1.0");
  REQUIRE(ep.has_value());
  return *ep;
}
}  // namespace

TEST_CASE("the initial mail delta URL selects exactly the fields the decoder reads",
          "[adapters][requests]") {
  auto req = initial_message_delta(graph(), "adele@contoso.com", "inbox", 100);
  CHECK(req.method == boost::beast::http::verb::get);
  CHECK(req.mailbox == "adele@contoso.com");
  CHECK(req.url == std::string("https://graph.microsoft.com/v1.0/users/adele@contoso.com/mailFolders/"
                               "inbox/messages/delta?$select=")
                     + message_select_fields);
  REQUIRE(req.headers.size() == 1);
  CHECK(req.headers[0].first == "Prefer");
  CHECK(req.headers[0].second == "odata.maxpagesize=100, IdType=\"ImmutableId\"");
  auto no_body = initial_message_delta(graph(), "a", "sentitems", 10, false);
  CHECK(no_body.url.find(",body,") == std::string::npos);
  CHECK(no_body.url.find("bodyPreview") != std::string::npos);
}

TEST_CASE("a mailbox or folder cannot inject path segments", "[adapters][requests]") {
  auto req = initial_message_delta(graph(), "../../admin", "inbox/../x", 10);
  CHECK(req.url.find("/users/..%2F..%2Fadmin/mailFolders/inbox%2F..%2Fx/") != std::string::npos);
  CHECK(initial_message_delta(graph(), "..", ".", 10).url.find("/users/%2E%2E/mailFolders/%2E/")
        != std::string::npos);
}

TEST_CASE("the calendar delta URL carries the UTC window and asks for UTC times",
          "[adapters][requests]") {
  auto req = initial_calendar_delta(graph(), "adele@contoso.com", 1480631945000, 1483228800000, 50);
  CHECK(req.url == "https://graph.microsoft.com/v1.0/users/adele@contoso.com/calendarView/delta"
                   "?startDateTime=2016-12-01T22%3A39%3A05Z&endDateTime=2017-01-01T00%3A00%3A00Z");
  CHECK(req.headers[0].second
        == "odata.maxpagesize=50, IdType=\"ImmutableId\", outlook.timezone=\"UTC\"");
}

TEST_CASE("following a link resends the same preferences", "[adapters][requests]") {
  auto req = follow_link("https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=x", "m", 50, true);
  CHECK(req.url == "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=x");
  CHECK(req.headers[0].second.find("outlook.timezone=\"UTC\"") != std::string::npos);
  CHECK(req.headers[0].second.find("odata.maxpagesize=50") != std::string::npos);
}
