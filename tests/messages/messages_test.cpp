// The vocabulary crosses actor and node boundaries: it must serialize losslessly and its
// errors must render with their area.
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "messages/expected.hpp"
#include "messages/ids.hpp"
#include "messages/interfaces.hpp"
#include "messages/type_ids.hpp"

using namespace m365;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { register_message_types(*this); }
};

template <class T>
T round_trip(caf::actor_system& sys, T value) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  if (auto err = sink(value)) FAIL("serialize: " << sys.render(err));
  T out;
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(out)) FAIL("deserialize: " << sys.render(err));
  return out;
}

email sample_email() {
  email e;
  e.tenant = "contoso";
  e.user = "u-1001";
  e.mailbox = "adele@contoso.com";
  e.folder = "inbox";
  e.graph_id = "AAMkAGI2THVSAAA=";
  e.internet_message_id = "<abc@contoso.com>";
  e.subject = "Quarterly review";
  e.from = {"Megan Bowen", "megan@client.example"};
  e.to = {{"Adele Vance", "adele@contoso.com"}};
  e.received_at = 1700000000000;
  e.categories = {"Client"};
  e.decided_by = {rule_action::include, "keep-client", 3};
  return e;
}

} // namespace

TEST_CASE("an email page survives serialization unchanged", "[messages]") {
  test_config cfg;
  caf::actor_system sys{cfg};
  email_page page;
  page.link.tenant = "contoso";
  page.link.user = "u-1001";
  page.link.folder = "inbox";
  page.link.phase = sync_phase::caught_up;
  page.link.url = "https://graph.microsoft.com/v1.0/users/x/mailFolders/inbox/messages/delta?$deltatoken=1";
  page.link.generation = 7;
  page.items = {sample_email(), sample_email()};
  page.items[1].graph_id = "second";
  page.removed_ids = {"gone-1"};
  page.final_page = true;
  auto copy = round_trip(sys, page);
  REQUIRE(copy.items.size() == 2);
  CHECK(copy.items[0].from == page.items[0].from);
  CHECK(copy.items[0].decided_by == page.items[0].decided_by);
  CHECK(copy.items[1].graph_id == "second");
  CHECK(copy.link.url == page.link.url);
  CHECK(copy.link.phase == sync_phase::caught_up);
  CHECK(copy.link.generation == 7);
  CHECK(copy.removed_ids == page.removed_ids);
  CHECK(copy.final_page);
}

TEST_CASE("an event with attendees and recurrence survives serialization", "[messages]") {
  test_config cfg;
  caf::actor_system sys{cfg};
  event ev;
  ev.kind = event_kind::series_master;
  ev.attendees = {{{"Alex", "alex@contoso.com"}, "required", "accepted"}};
  ev.pattern.pattern_type = "weekly";
  ev.pattern.days_of_week = {"monday", "thursday"};
  ev.sensitivity = "private";
  auto copy = round_trip(sys, ev);
  CHECK(copy.kind == event_kind::series_master);
  CHECK(copy.attendees == ev.attendees);
  CHECK(copy.pattern.days_of_week == ev.pattern.days_of_week);
  CHECK(copy.sensitivity == "private");
}

TEST_CASE("errors of each area render with their category and code", "[messages]") {
  test_config cfg;
  caf::actor_system sys{cfg};
  auto text = sys.render(caf::make_error(token_errc::invalid_secret));
  CHECK(text.find("AADSTS7000215") != std::string::npos);
  CHECK(sys.render(caf::make_error(store_errc::map_full)).find("map_full") != std::string::npos);
}

TEST_CASE("tenant and user ids reject what could forge a store key", "[messages]") {
  CHECK(is_valid_tenant_id("contoso"));
  CHECK(is_valid_tenant_id("fabrikam-legacy-2"));
  CHECK_FALSE(is_valid_tenant_id(""));
  CHECK_FALSE(is_valid_tenant_id("Contoso"));
  CHECK_FALSE(is_valid_tenant_id("a/b"));
  CHECK_FALSE(is_valid_tenant_id("-lead"));
  CHECK_FALSE(is_valid_tenant_id(std::string(64, 'a')));
  CHECK(is_valid_user_id("u-1001"));
  CHECK_FALSE(is_valid_user_id("u 1001"));
  CHECK_FALSE(is_valid_user_id("a/b"));
}

TEST_CASE("expected holds a value or a failing status", "[messages]") {
  expected<int> good{42};
  REQUIRE(good);
  CHECK(*good == 42);
  expected<int> bad{status::not_found("tenant 'x' does not exist")};
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == status_code::not_found);
  CHECK(bad.error().to_string() == "not_found: tenant 'x' does not exist");
}
