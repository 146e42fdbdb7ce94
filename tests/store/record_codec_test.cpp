// Stored records must round-trip losslessly and fail loudly (never silently) when they cannot be
// read: newer versions are a version mismatch, truncation is corruption.
#include <catch2/catch.hpp>

#include "store/record_codec.hpp"
#include "tests/store/sample_data.hpp"

using namespace m365;

namespace {

bool same(const email& a, const email& b) {
  return a.tenant == b.tenant && a.user == b.user && a.mailbox == b.mailbox &&
         a.folder == b.folder && a.graph_id == b.graph_id && a.change_key == b.change_key &&
         a.internet_message_id == b.internet_message_id &&
         a.conversation_id == b.conversation_id && a.subject == b.subject && a.from == b.from &&
         a.to == b.to && a.cc == b.cc && a.bcc == b.bcc && a.received_at == b.received_at &&
         a.sent_at == b.sent_at && a.body_preview == b.body_preview && a.body == b.body &&
         a.body_type == b.body_type && a.categories == b.categories &&
         a.importance == b.importance && a.inference == b.inference && a.is_read == b.is_read &&
         a.is_draft == b.is_draft && a.has_attachments == b.has_attachments &&
         a.decided_by == b.decided_by;
}

} // namespace

TEST_CASE("an email record round-trips with its store header", "[store][records]") {
  auto e = sample::make_email("contoso", "u-1001", "inbox", "AAMk-1", 7);
  e.bcc = {{"Hidden", "hidden@contoso.com"}};
  e.decided_by = {rule_action::include, "keep-client", 4};
  e.is_draft = true;
  record_header h{42, "inbox", e.received_at, e.internet_message_id};
  std::string bytes;
  encode_record(h, e, bytes);
  record_header h2;
  email e2;
  REQUIRE(decode_record(bytes, h2, e2));
  CHECK(same(e, e2));
  CHECK(h2.generation == 42);
  CHECK(h2.folder == "inbox");
  CHECK(h2.time == e.received_at);
  CHECK(h2.dedupe_id == e.internet_message_id);
  record_header only;
  REQUIRE(decode_header(bytes, "email", only));
  CHECK(only.generation == 42);
}

TEST_CASE("an event record round-trips, recurrence and attendees included", "[store][records]") {
  auto ev = sample::make_event("fabrikam", "u-2", "AAMkE-1", 9, {}, event_kind::series_master);
  ev.transaction_id = "crm-77";
  ev.is_all_day = true;
  ev.pattern.occurrences = 12;
  ev.start = -5;  // before the epoch
  std::string bytes;
  encode_record(record_header{3, "calendar", ev.start, ev.ical_uid}, ev, bytes);
  record_header h;
  event out;
  REQUIRE(decode_record(bytes, h, out));
  CHECK(out.graph_id == ev.graph_id);
  CHECK(out.kind == event_kind::series_master);
  CHECK(out.attendees == ev.attendees);
  CHECK(out.pattern.days_of_week == ev.pattern.days_of_week);
  CHECK(out.pattern.occurrences == 12);
  CHECK(out.start == -5);
  CHECK(out.transaction_id == "crm-77");
  CHECK(out.is_all_day);
}

TEST_CASE("configuration and sync-state records round-trip", "[store][records]") {
  tenant_settings t;
  t.id = "contoso";
  t.directory_id = "contoso.onmicrosoft.com";
  t.internal_domains = {"contoso.com"};
  t.credential = credential_kind::certificate;
  t.push_attendees = true;
  t.version = 9;
  std::string bytes;
  encode_record(t, bytes);
  tenant_settings t2;
  REQUIRE(decode_record(bytes, t2));
  CHECK(t2.id == "contoso");
  CHECK(t2.credential == credential_kind::certificate);
  CHECK(t2.folders == t.folders);
  CHECK(t2.version == 9);

  rule r;
  r.id = "no-newsletters";
  r.level = rule_level::tenant;
  r.scope = "contoso";
  r.priority = -3;
  r.match = R"({"subject_contains":"Newsletter"})";
  bytes.clear();
  encode_record(r, bytes);
  rule r2;
  REQUIRE(decode_record(bytes, r2));
  CHECK(r2.priority == -3);
  CHECK(r2.level == rule_level::tenant);
  CHECK(r2.match == r.match);

  delta_link l{"contoso", "u-1", "inbox", sync_phase::resync, "https://graph/x?$deltatoken=1", 4,
               1700, 1, 2, "adele@contoso.com"};
  bytes.clear();
  encode_record(l, bytes);
  delta_link l2;
  REQUIRE(decode_record(bytes, l2));
  CHECK(l2.phase == sync_phase::resync);
  CHECK(l2.url == l.url);
  CHECK(l2.generation == 4);
  CHECK(l2.window_end == 2);
  CHECK(l2.mailbox == "adele@contoso.com");

  // A version 1 link (stored before links named their mailbox) still reads, without one.
  auto v1 = bytes.substr(0, bytes.size() - (1 + l.mailbox.size()));
  v1[0] = 1;
  delta_link l3;
  l3.mailbox = "left over";
  REQUIRE(decode_record(v1, l3));
  CHECK(l3.url == l.url);
  CHECK(l3.window_end == 2);
  CHECK(l3.mailbox.empty());

  user_assignment u{"u-1", "contoso", "adele@contoso.com", "fabrikam", 2};
  bytes.clear();
  encode_record(u, bytes);
  user_assignment u2;
  REQUIRE(decode_record(bytes, u2));
  CHECK(u2.moving_from == "fabrikam");

  sync_log_line line{"contoso", "u-1", 99, log_level::warn, "throttled"};
  bytes.clear();
  encode_record(line, bytes);
  sync_log_line line2;
  REQUIRE(decode_record(bytes, line2));
  CHECK(line2.level == log_level::warn);
  CHECK(line2.message == "throttled");

  dedupe_entry d{"k2", {"k1", "k2"}};
  bytes.clear();
  encode_record(d, bytes);
  dedupe_entry d2;
  REQUIRE(decode_record(bytes, d2));
  CHECK(d2.sources == d.sources);
  CHECK(d2.owner == "k2");
  bytes[1] = 5;  // owner index out of range
  CHECK(decode_record(bytes, d2).code() == status_code::corrupted);
}

TEST_CASE("a record of a newer version is a version mismatch naming both versions",
          "[store][records]") {
  std::string bytes;
  encode_record(delta_link{}, bytes);
  bytes[0] = static_cast<char>(record_version::link + 1);
  delta_link out;
  auto s = decode_record(bytes, out);
  CHECK(s.code() == status_code::version_mismatch);
  const auto newer = std::to_string(record_version::link + 1);
  const auto current = std::to_string(record_version::link);
  CHECK_THAT(s.message(),
             Catch::Contains("version " + newer) && Catch::Contains("(" + current + ")"));
}

TEST_CASE("every truncation of a record is reported as corrupted", "[store][records]") {
  auto e = sample::make_email("contoso", "u-1", "inbox", "AAMk-1", 3);
  std::string bytes;
  encode_record(record_header{1, "inbox", e.received_at, e.internet_message_id}, e, bytes);
  for (size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 97)) {
    record_header h;
    email out;
    auto s = decode_record(std::string_view(bytes).substr(0, n), h, out);
    INFO("truncated to " << n << " bytes");
    CHECK(s.code() == status_code::corrupted);
  }
  record_header h;
  email out;
  CHECK(decode_record(bytes + "x", h, out).code() == status_code::corrupted);
  std::string bad_enum;
  encode_record(delta_link{}, bad_enum);
  // The phase byte follows three empty strings: set it out of range.
  bad_enum[4] = 9;
  delta_link l;
  CHECK(decode_record(bad_enum, l).code() == status_code::corrupted);
}
