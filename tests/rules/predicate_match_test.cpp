// What every leaf predicate and combinator matches, on emails and events, on both evaluators.
#include "rule_test_items.hpp"

using namespace m365;
using namespace m365::test;

namespace {

email client_mail() {
  auto m = make_email("contoso", "u-1", "Desk@Client.Example", {"adele@contoso.com"},
                      "Quarterly NEWSLETTER: Invoice 2024-17");
  m.cc.push_back(who("Boss@News.Example.com"));
  m.body_preview = "Dear customer, please find the Payment Reminder attached.";
  m.categories = {"Clients", "VIP"};
  m.importance = "High";
  m.folder = "Inbox";
  return m;
}

const std::vector<std::string> contoso_domains{"contoso.com"};

} // namespace

TEST_CASE("address predicates compare whole addresses ignoring case", "[rules][predicate]") {
  auto m = client_mail();
  CHECK(excluded_by(R"({"sender_address": ["desk@client.example"]})", m));
  CHECK(excluded_by(R"({"sender_address": "DESK@CLIENT.EXAMPLE"})", m));
  CHECK_FALSE(excluded_by(R"({"sender_address": ["adele@contoso.com"]})", m));
  CHECK_FALSE(excluded_by(R"({"sender_address": ["esk@client.example"]})", m));
  CHECK(excluded_by(R"({"recipient_address": ["boss@news.example.com"]})", m));
  CHECK_FALSE(excluded_by(R"({"recipient_address": ["desk@client.example"]})", m));
  CHECK(excluded_by(R"({"participant_address": ["desk@client.example"]})", m));
  CHECK(excluded_by(R"({"participant_address": ["ADELE@contoso.com"]})", m));
  CHECK_FALSE(excluded_by(R"({"participant_address": ["nobody@contoso.com"]})", m));
}

TEST_CASE("domain predicates match the exact domain, not its subdomains", "[rules][predicate]") {
  auto m = client_mail();
  CHECK(excluded_by(R"({"sender_domain": ["CLIENT.example"]})", m));
  CHECK_FALSE(excluded_by(R"({"sender_domain": ["example"]})", m));
  CHECK_FALSE(excluded_by(R"({"sender_domain": ["contoso.com"]})", m));
  CHECK(excluded_by(R"({"recipient_domain": ["news.example.com"]})", m));
  CHECK_FALSE(excluded_by(R"({"recipient_domain": ["example.com"]})", m));
  CHECK_FALSE(excluded_by(R"({"recipient_domain": ["client.example"]})", m));
  CHECK(excluded_by(R"({"participant_domain": ["contoso.com"]})", m));
  CHECK(excluded_by(R"({"participant_domain": ["client.example", "other.example"]})", m));
  CHECK_FALSE(excluded_by(R"({"participant_domain": ["fabrikam.com"]})", m));
}

TEST_CASE("participants with an empty address are ignored", "[rules][predicate]") {
  auto m = make_email("contoso", "u-1", "", {"", "adele@contoso.com"}, "draft");
  CHECK_FALSE(excluded_by(R"({"sender_domain": ["contoso.com"]})", m));
  CHECK(excluded_by(R"({"participant_domain": ["contoso.com"]})", m));
  CHECK(excluded_by(R"({"internal_only": true})", m, item_context{&contoso_domains}));
}

TEST_CASE("subject_contains and body_contains are case-insensitive substrings",
          "[rules][predicate]") {
  auto m = client_mail();
  CHECK(excluded_by(R"({"subject_contains": "newsletter"})", m));
  CHECK(excluded_by(R"({"subject_contains": ["nothing", "INVOICE 2024"]})", m));
  CHECK(excluded_by(R"({"subject_contains": "r: inv"})", m));
  CHECK_FALSE(excluded_by(R"({"subject_contains": "payment"})", m));
  CHECK(excluded_by(R"({"body_contains": "payment reminder"})", m));
  CHECK_FALSE(excluded_by(R"({"body_contains": "newsletter"})", m));
  // Keywords that overlap or nest are all found in one pass.
  CHECK(excluded_by(R"({"all": [{"subject_contains": "news"}, {"subject_contains": "newsletter"},
                                {"subject_contains": "letter"}, {"subject_contains": "s"}]})", m));
}

TEST_CASE("subject_regex is RE2, unanchored and case-sensitive unless it says (?i)",
          "[rules][predicate]") {
  auto m = client_mail();
  CHECK(excluded_by(R"({"subject_regex": "Invoice \\d{4}-\\d+$"})", m));
  CHECK_FALSE(excluded_by(R"({"subject_regex": "invoice \\d{4}"})", m));
  CHECK(excluded_by(R"({"subject_regex": "(?i)invoice \\d{4}"})", m));
  CHECK_FALSE(excluded_by(R"({"subject_regex": "^Invoice"})", m));
  CHECK(excluded_by(R"({"subject_regex": ["^Re:", "^Quarterly"]})", m));
}

TEST_CASE("category, importance and folder compare names ignoring case", "[rules][predicate]") {
  auto m = client_mail();
  CHECK(excluded_by(R"({"category": ["vip"]})", m));
  CHECK_FALSE(excluded_by(R"({"category": ["red"]})", m));
  CHECK(excluded_by(R"({"importance": "high"})", m));
  CHECK(excluded_by(R"({"importance": ["low", "HIGH"]})", m));
  CHECK_FALSE(excluded_by(R"({"importance": "normal"})", m));
  CHECK(excluded_by(R"({"folder": ["inbox"]})", m));
  CHECK_FALSE(excluded_by(R"({"folder": ["sentitems"]})", m));
  m.importance.clear();
  CHECK_FALSE(excluded_by(R"({"importance": ["low", "normal", "high"]})", m));
}

TEST_CASE("internal_only holds when every participant is in the tenant's internal domains",
          "[rules][predicate]") {
  item_context ctx{&contoso_domains};
  auto inside = make_email("contoso", "u-1", "a@contoso.com", {"B@CONTOSO.COM"}, "sync");
  auto mixed = make_email("contoso", "u-1", "a@contoso.com", {"b@contoso.com", "c@client.example"},
                          "sync");
  auto sub = make_email("contoso", "u-1", "a@contoso.com", {"b@eu.contoso.com"}, "sync");
  auto nobody = make_email("contoso", "u-1", "", {}, "note to self");
  CHECK(excluded_by(R"({"internal_only": true})", inside, ctx));
  CHECK_FALSE(excluded_by(R"({"internal_only": false})", inside, ctx));
  CHECK_FALSE(excluded_by(R"({"internal_only": true})", mixed, ctx));
  CHECK(excluded_by(R"({"internal_only": false})", mixed, ctx));
  CHECK_FALSE(excluded_by(R"({"internal_only": true})", sub, ctx));
  CHECK_FALSE(excluded_by(R"({"internal_only": true})", nobody, ctx));
  // Without the tenant's internal domains nothing is internal.
  CHECK_FALSE(excluded_by(R"({"internal_only": true})", inside));
  auto e = make_event("contoso", "u-1", "a@contoso.com", {"b@contoso.com", "room@contoso.com"}, "x");
  CHECK(excluded_by(R"({"internal_only": true})", e, ctx));
  e.attendees.push_back(attendee{who("guest@client.example"), "optional", "none"});
  CHECK_FALSE(excluded_by(R"({"internal_only": true})", e, ctx));
}

TEST_CASE("event predicates: sensitivity, show_as, recurring, organizer and attendees",
          "[rules][predicate]") {
  auto e = make_event("contoso", "u-1", "Boss@Contoso.com", {"guest@client.example"}, "Weekly sync");
  e.sensitivity = "Private";
  e.show_as = "workingElsewhere";
  CHECK(excluded_by(R"({"sensitivity": ["private", "confidential"]})", e));
  CHECK_FALSE(excluded_by(R"({"sensitivity": ["confidential"]})", e));
  CHECK(excluded_by(R"({"show_as": ["WorkingElsewhere"]})", e));
  CHECK_FALSE(excluded_by(R"({"show_as": ["busy", "oof"]})", e));
  CHECK(excluded_by(R"({"sender_address": "boss@contoso.com"})", e));
  CHECK(excluded_by(R"({"recipient_domain": "client.example"})", e));
  CHECK_FALSE(excluded_by(R"({"recipient_domain": "contoso.com"})", e));
  CHECK(excluded_by(R"({"recurring": false})", e));
  CHECK_FALSE(excluded_by(R"({"recurring": true})", e));
  e.kind = event_kind::occurrence;
  CHECK(excluded_by(R"({"recurring": true})", e));
  e.kind = event_kind::single_instance;
  e.pattern.pattern_type = "weekly";
  CHECK(excluded_by(R"({"recurring": true})", e));
}

TEST_CASE("a leaf over a field the item kind lacks is false", "[rules][predicate]") {
  auto m = client_mail();
  CHECK_FALSE(excluded_by(R"({"recurring": false})", m));
  CHECK_FALSE(excluded_by(R"({"show_as": ["busy", "free", "tentative", "oof", "unknown"]})", m));
  CHECK_FALSE(excluded_by(R"({"sensitivity": ["normal"]})", m));
  CHECK(excluded_by(R"({"not": {"sensitivity": ["normal"]}})", m));
  auto e = make_event("contoso", "u-1", "a@contoso.com", {}, "x");
  CHECK_FALSE(excluded_by(R"({"folder": ["inbox", "calendar"]})", e));
}

TEST_CASE("all, any, not and multi-key objects combine leaves", "[rules][predicate]") {
  auto m = client_mail();
  CHECK(excluded_by(R"({"all": [{"subject_contains": "newsletter"}, {"sender_domain": "client.example"}]})", m));
  CHECK_FALSE(excluded_by(R"({"all": [{"subject_contains": "newsletter"}, {"sender_domain": "contoso.com"}]})", m));
  CHECK(excluded_by(R"({"any": [{"subject_contains": "zzz"}, {"category": "vip"}]})", m));
  CHECK_FALSE(excluded_by(R"({"any": [{"subject_contains": "zzz"}, {"category": "red"}]})", m));
  CHECK(excluded_by(R"({"not": {"folder": "sentitems"}})", m));
  CHECK_FALSE(excluded_by(R"({"not": {"folder": "inbox"}})", m));
  CHECK(excluded_by(R"({"subject_contains": "newsletter", "importance": "high"})", m));
  CHECK_FALSE(excluded_by(R"({"subject_contains": "newsletter", "importance": "low"})", m));
  CHECK(excluded_by(R"({"all": []})", m));
  CHECK(excluded_by(R"({"not": {"not": {"any": [{"all": [{"category": "clients"}]}]}}})", m));
}
