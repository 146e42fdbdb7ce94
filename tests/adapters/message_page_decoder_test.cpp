// The mail decoder against Microsoft's documented delta pages: every field the engine relies on
// is mapped, links and removals are found, and a broken page never yields a partial result.
#include <catch2/catch.hpp>

#include "adapters/message_page_decoder.hpp"
#include "fixture_body.hpp"

using namespace m365;
using m365::test::fixture_body;
using m365::test::fixture_text;

namespace {

page_context ctx() {
  page_context c;
  c.tenant = "contoso";
  c.user = "u-1001";
  c.mailbox = "adele@contoso.com";
  c.folder = "inbox";
  c.expected_items = 10;
  return c;
}

expected<email_page> decode_text(std::string text, decoder_limits limits = {}) {
  message_page_decoder d{limits};
  return d.decode(padded_body{std::move(text)}, ctx());
}

std::string one_message_page(const std::string& message_fields) {
  return R"({"@odata.nextLink":"https://graph.microsoft.com/v1.0/next","value":[{"id":"A1",)"
         + message_fields + "}]}";
}

} // namespace

TEST_CASE("the first delta page yields both messages with provenance and the nextLink",
          "[adapters][decoder][messages]") {
  message_page_decoder d;
  auto page = d.decode(fixture_body("messages_delta_page1_nextlink.json"), ctx());
  REQUIRE(page.has_value());
  CHECK_FALSE(page->final_page);
  CHECK(page->link.url
        == "https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/"
           "delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM");
  CHECK(page->link.tenant == "contoso");
  CHECK(page->link.user == "u-1001");
  CHECK(page->link.folder == "inbox");
  CHECK(page->removed_ids.empty());
  REQUIRE(page->items.size() == 2);
  const auto& a = page->items[0];
  CHECK(a.graph_id == "AAMkADNkNAAASq35xAAA=");
  CHECK(a.subject == "Holiday hours update");
  CHECK_FALSE(a.is_read);
  // With $select=sender the decoder falls back to sender for the from address.
  CHECK(a.from == participant{"Dana Swope", "danas@contoso.com"});
  CHECK(a.tenant == "contoso");
  CHECK(a.user == "u-1001");
  CHECK(a.mailbox == "adele@contoso.com");
  CHECK(a.folder == "inbox");
  const auto& b = page->items[1];
  CHECK(b.graph_id == "AQMkADNkNAAAVRMKAAAAA==");
  CHECK(b.subject == "Holiday promotion sale");
  CHECK(b.is_read);
  CHECK(b.from.address == "samanthab@contoso.com");
}

TEST_CASE("the second page keeps paging and the last page carries the deltaLink",
          "[adapters][decoder][messages]") {
  message_page_decoder d;
  auto p2 = d.decode(fixture_body("messages_delta_page2_nextlink.json"), ctx());
  REQUIRE(p2.has_value());
  CHECK_FALSE(p2->final_page);
  REQUIRE(p2->items.size() == 2);
  CHECK(p2->items[0].from.address == "elliot-hyde@tailspintoys.com");
  CHECK(p2->items[1].graph_id == "AQMkADNkNAAAgWJAAAA");

  auto last = d.decode(fixture_body("messages_delta_final_deltalink.json"), ctx());
  REQUIRE(last.has_value());
  CHECK(last->final_page);
  CHECK(last->link.url
        == "https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/"
           "delta?$deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY");
  REQUIRE(last->items.size() == 1);
  CHECK(last->items[0].subject == "Fabric CDN now available");
}

TEST_CASE("an @removed entry becomes a removed id and the string \"true\" reads as a boolean",
          "[adapters][decoder][messages]") {
  message_page_decoder d;
  auto page = d.decode(fixture_body("messages_delta_removed.json"), ctx());
  REQUIRE(page.has_value());
  CHECK(page->final_page);
  REQUIRE(page->removed_ids.size() == 1);
  CHECK(page->removed_ids[0] == "AAMkADk0MGFkODE3LWE4MmYtNDRhOS0Dh_6qB-pB2Sa2pUum19a6YAAKnLuxoAAA=");
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].graph_id == "AAMkADNkNAAASq35xAAA=");
  CHECK(page->items[0].is_read);
}

TEST_CASE("the changeType=created pages decode, including a deltaLink with a skiptoken",
          "[adapters][decoder][messages]") {
  message_page_decoder d;
  auto first = d.decode(fixture_body("messages_delta_changetype_created_page1.json"), ctx());
  REQUIRE(first.has_value());
  CHECK(first->items.size() == 2);
  auto next = d.decode(fixture_body("messages_delta_changetype_created_nextround.json"), ctx());
  REQUIRE(next.has_value());
  CHECK(next->final_page);
  CHECK(next->items[1].subject == "Attachment Testing");
}

TEST_CASE("every mapped message field is read from a full message", "[adapters][decoder][messages]") {
  auto page = decode_text(one_message_page(R"(
    "changeKey":"CQAAABYAAAAR", "internetMessageId":"<abc@contoso.com>",
    "conversationId":"conv-1", "subject":"Quarterly report",
    "from":{"emailAddress":{"name":"Megan","address":"megan@contoso.com"}},
    "sender":{"emailAddress":{"name":"Assistant","address":"assistant@contoso.com"}},
    "toRecipients":[{"emailAddress":{"name":"Adele","address":"adele@contoso.com"}},
                    {"emailAddress":{"name":"Client","address":"desk@client.example"}}],
    "ccRecipients":[{"emailAddress":{"name":"Alex","address":"alex@contoso.com"}}],
    "bccRecipients":[],
    "receivedDateTime":"2016-12-01T22:39:05Z",
    "sentDateTime":"2016-12-01T22:39:04.5+00:00",
    "bodyPreview":"Numbers inside", "body":{"contentType":"html","content":"<p>Numbers \u00e9</p>"},
    "categories":["Blue category","Client"], "importance":"high",
    "inferenceClassification":"focused", "isRead":true, "isDraft":false,
    "hasAttachments":true, "unknownField":{"nested":[1,2,{"x":null}]}, "flag":null)"));
  REQUIRE(page.has_value());
  REQUIRE(page->items.size() == 1);
  const auto& m = page->items[0];
  CHECK(m.graph_id == "A1");
  CHECK(m.change_key == "CQAAABYAAAAR");
  CHECK(m.internet_message_id == "<abc@contoso.com>");
  CHECK(m.conversation_id == "conv-1");
  CHECK(m.subject == "Quarterly report");
  CHECK(m.from == participant{"Megan", "megan@contoso.com"});  // from wins over sender
  REQUIRE(m.to.size() == 2);
  CHECK(m.to[1] == participant{"Client", "desk@client.example"});
  REQUIRE(m.cc.size() == 1);
  CHECK(m.cc[0].address == "alex@contoso.com");
  CHECK(m.bcc.empty());
  CHECK(m.received_at == 1480631945000);
  CHECK(m.sent_at == 1480631944500);
  CHECK(m.body_preview == "Numbers inside");
  CHECK(m.body_type == "html");
  CHECK(m.body == "<p>Numbers \xC3\xA9</p>");
  CHECK(m.categories == std::vector<std::string>{"Blue category", "Client"});
  CHECK(m.importance == "high");
  CHECK(m.inference == "focused");
  CHECK(m.is_read);
  CHECK_FALSE(m.is_draft);
  CHECK(m.has_attachments);
}

TEST_CASE("null optional fields decode as absent", "[adapters][decoder][messages]") {
  auto page = decode_text(one_message_page(
    R"("subject":null,"from":null,"toRecipients":null,"receivedDateTime":null,"isRead":null)"));
  REQUIRE(page.has_value());
  CHECK(page->items[0].subject.empty());
  CHECK(page->items[0].received_at == 0);
}

TEST_CASE("a field of the wrong type fails the whole page and names the field",
          "[adapters][decoder][messages]") {
  SECTION("subject as a number") {
    auto page = decode_text(one_message_page(R"("subject":5)"));
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code() == status_code::corrupted);
    CHECK(page.error().message() == "messages page: value[0].subject: wrong type (expected string)");
  }
  SECTION("isRead as a number") {
    auto page = decode_text(one_message_page(R"("isRead":1)"));
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message() == "messages page: value[0].isRead: wrong type (expected boolean)");
  }
  SECTION("a nested address") {
    auto page = decode_text(one_message_page(R"("sender":{"emailAddress":{"address":7}})"));
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message()
          == "messages page: value[0].sender.emailAddress.address: wrong type (expected string)");
  }
  SECTION("the second recipient") {
    auto page = decode_text(one_message_page(
      R"("toRecipients":[{"emailAddress":{"address":"a@b.c"}},{"emailAddress":"x"}])"));
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message()
          == "messages page: value[0].toRecipients[1].emailAddress: wrong type (expected object)");
  }
  SECTION("value not an array") {
    auto page = decode_text(R"({"@odata.deltaLink":"https://x/d","value":{}})");
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message() == "messages page: value: wrong type (expected array)");
  }
  SECTION("an unparseable date, as in the reference page's placeholders") {
    message_page_decoder d;
    auto page = d.decode(fixture_body("messages_delta_v1_ref_nextlink.json"), ctx());
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message()
          == "messages page: value[0].receivedDateTime: wrong type (expected ISO 8601 date-time)");
  }
  SECTION("an item without an id") {
    auto page = decode_text(R"({"@odata.deltaLink":"https://x/d","value":[{"subject":"s"}]})");
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message() == "messages page: value[0].id: wrong type (expected non-empty string)");
  }
}

TEST_CASE("a page must carry exactly one of nextLink and deltaLink", "[adapters][decoder][messages]") {
  auto none = decode_text(R"({"value":[]})");
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message() == "messages page: neither @odata.nextLink nor @odata.deltaLink is present");
  auto both = decode_text(R"({"@odata.nextLink":"a","@odata.deltaLink":"b","value":[]})");
  REQUIRE_FALSE(both.has_value());
}

TEST_CASE("every truncation of a real page is an error, never a partial page",
          "[adapters][decoder][messages]") {
  const std::string full = fixture_text("messages_delta_page1_nextlink.json");
  message_page_decoder d;
  REQUIRE(d.decode(padded_body{full}, ctx()).has_value());
  // Every prefix that stops before the closing brace is an incomplete document.
  const size_t last_brace = full.rfind('}');
  size_t failures = 0;
  for (size_t len = 0; len <= last_brace; ++len) {
    auto page = d.decode(padded_body{full.substr(0, len)}, ctx());
    if (!page.has_value()) {
      ++failures;
      CHECK(page.error().code() == status_code::corrupted);
    } else {
      FAIL_CHECK("truncated to " << len << " bytes but decoded " << page->items.size() << " items");
    }
  }
  CHECK(failures == last_brace + 1);
}

TEST_CASE("trailing content after the page is refused", "[adapters][decoder][messages]") {
  auto page = decode_text(R"({"@odata.deltaLink":"https://x/d","value":[]} {"value":[]})");
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code() == status_code::corrupted);
}

TEST_CASE("the body size and nesting limits are enforced", "[adapters][decoder][messages]") {
  decoder_limits small;
  small.max_body_bytes = 64;
  auto big = decode_text(one_message_page(R"("subject":"a subject long enough to pass 64 bytes")"),
                         small);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().message().find("exceeds the limit of 64") != std::string::npos);

  decoder_limits shallow;
  shallow.max_depth = 8;
  std::string deep = one_message_page(R"("extra":[[[[[[[[[[[[1]]]]]]]]]]]])");
  auto refused = decode_text(deep, shallow);
  REQUIRE_FALSE(refused.has_value());
  CHECK(decode_text(deep).has_value());  // the default depth accepts it
}
