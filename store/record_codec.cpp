// Field-by-field encoding of every stored record; see record_codec.hpp for the rules.
#include "store/record_codec.hpp"

#include "store/byte_reader.hpp"
#include "store/byte_writer.hpp"

namespace m365 {

namespace {

// -- shared field encodings -------------------------------------------------------------------

void put(byte_writer& w, const participant& p) {
  w.str(p.name);
  w.str(p.address);
}

void get(byte_reader& r, participant& p) {
  r.str(p.name);
  r.str(p.address);
}

void put(byte_writer& w, const std::vector<participant>& xs) {
  w.varint(xs.size());
  for (auto& x : xs) put(w, x);
}

void get(byte_reader& r, std::vector<participant>& xs) {
  xs.resize(r.count(2));
  for (auto& x : xs) get(r, x);
}

void put(byte_writer& w, const std::vector<std::string>& xs) {
  w.varint(xs.size());
  for (auto& x : xs) w.str(x);
}

void get(byte_reader& r, std::vector<std::string>& xs) {
  xs.resize(r.count(1));
  for (auto& x : xs) r.str(x);
}

void put(byte_writer& w, const verdict& v) {
  w.u8(static_cast<uint8_t>(v.action));
  w.str(v.rule_id);
  w.u32(v.rule_version);
}

/// Reads an enum stored as one byte, failing the reader when it is above `max`.
template <class Enum>
Enum get_enum(byte_reader& r, Enum max) {
  auto x = r.u8();
  if (x > static_cast<uint8_t>(max)) r.fail();
  return static_cast<Enum>(x);
}

void get(byte_reader& r, verdict& v) {
  v.action = get_enum(r, rule_action::exclude);
  r.str(v.rule_id);
  v.rule_version = r.u32();
}

void put(byte_writer& w, const record_header& h) {
  w.fixed64(h.generation);
  w.str(h.folder);
  w.i64(h.time);
  w.str(h.dedupe_id);
}

void get(byte_reader& r, record_header& h) {
  h.generation = r.fixed64();
  r.str(h.folder);
  h.time = r.i64();
  r.str(h.dedupe_id);
}

// -- version and completeness checks ----------------------------------------------------------

/// Reads the version byte; a non-ok status when the record cannot be decoded by this build.
status check_version(byte_reader& r, const char* name, uint8_t current, size_t size) {
  auto version = r.u8();
  if (!r.ok())
    return status::corrupted(std::string(name) + " record is empty");
  if (version == 0)
    return status::corrupted(std::string(name) + " record has invalid version 0 (" +
                             std::to_string(size) + " bytes)");
  if (version > current)
    return status::version_mismatch(std::string(name) + " record version " +
                                    std::to_string(version) + " is newer than this build reads (" +
                                    std::to_string(current) + ")");
  return status::ok();
}

status finish(const byte_reader& r, const char* name, size_t size) {
  if (!r.ok())
    return status::corrupted(std::string(name) + " record is truncated or malformed (" +
                             std::to_string(size) + " bytes)");
  if (!r.done())
    return status::corrupted(std::string(name) + " record has " + std::to_string(r.remaining()) +
                             " unexpected trailing bytes");
  return status::ok();
}

/// Decodes a record with `body` after its version check; the common skeleton of every decoder.
template <class Body>
status decode_with(std::string_view bytes, const char* name, uint8_t current, Body&& body) {
  byte_reader r{bytes};
  if (auto s = check_version(r, name, current, bytes.size()); !s) return s;
  body(r);
  return finish(r, name, bytes.size());
}

void put_email_body(byte_writer& w, const email& x) {
  w.str(x.tenant);
  w.str(x.user);
  w.str(x.mailbox);
  w.str(x.folder);
  w.str(x.graph_id);
  w.str(x.change_key);
  w.str(x.internet_message_id);
  w.str(x.conversation_id);
  w.str(x.subject);
  put(w, x.from);
  put(w, x.to);
  put(w, x.cc);
  put(w, x.bcc);
  w.i64(x.received_at);
  w.i64(x.sent_at);
  w.str(x.body_preview);
  w.str(x.body);
  w.str(x.body_type);
  put(w, x.categories);
  w.str(x.importance);
  w.str(x.inference);
  w.boolean(x.is_read);
  w.boolean(x.is_draft);
  w.boolean(x.has_attachments);
  put(w, x.decided_by);
}

void get_email_body(byte_reader& r, email& x) {
  r.str(x.tenant);
  r.str(x.user);
  r.str(x.mailbox);
  r.str(x.folder);
  r.str(x.graph_id);
  r.str(x.change_key);
  r.str(x.internet_message_id);
  r.str(x.conversation_id);
  r.str(x.subject);
  get(r, x.from);
  get(r, x.to);
  get(r, x.cc);
  get(r, x.bcc);
  x.received_at = r.i64();
  x.sent_at = r.i64();
  r.str(x.body_preview);
  r.str(x.body);
  r.str(x.body_type);
  get(r, x.categories);
  r.str(x.importance);
  r.str(x.inference);
  x.is_read = r.boolean();
  x.is_draft = r.boolean();
  x.has_attachments = r.boolean();
  get(r, x.decided_by);
}

void put_event_body(byte_writer& w, const event& x) {
  w.str(x.tenant);
  w.str(x.user);
  w.str(x.mailbox);
  w.str(x.graph_id);
  w.str(x.change_key);
  w.str(x.ical_uid);
  w.str(x.series_master_id);
  w.u8(static_cast<uint8_t>(x.kind));
  w.str(x.subject);
  put(w, x.organizer);
  w.varint(x.attendees.size());
  for (auto& a : x.attendees) {
    put(w, a.who);
    w.str(a.type);
    w.str(a.response);
  }
  w.i64(x.start);
  w.i64(x.end);
  w.str(x.time_zone);
  w.boolean(x.is_all_day);
  w.boolean(x.is_cancelled);
  w.boolean(x.is_online_meeting);
  w.str(x.location);
  w.str(x.sensitivity);
  w.str(x.show_as);
  w.str(x.importance);
  put(w, x.categories);
  w.str(x.body_preview);
  auto& p = x.pattern;
  w.str(p.pattern_type);
  w.i32(p.interval);
  put(w, p.days_of_week);
  w.i32(p.day_of_month);
  w.str(p.range_type);
  w.str(p.range_start);
  w.str(p.range_end);
  w.i32(p.occurrences);
  w.str(x.transaction_id);
  put(w, x.decided_by);
}

void get_event_body(byte_reader& r, event& x) {
  r.str(x.tenant);
  r.str(x.user);
  r.str(x.mailbox);
  r.str(x.graph_id);
  r.str(x.change_key);
  r.str(x.ical_uid);
  r.str(x.series_master_id);
  x.kind = get_enum(r, event_kind::series_master);
  r.str(x.subject);
  get(r, x.organizer);
  x.attendees.resize(r.count(4));
  for (auto& a : x.attendees) {
    get(r, a.who);
    r.str(a.type);
    r.str(a.response);
  }
  x.start = r.i64();
  x.end = r.i64();
  r.str(x.time_zone);
  x.is_all_day = r.boolean();
  x.is_cancelled = r.boolean();
  x.is_online_meeting = r.boolean();
  r.str(x.location);
  r.str(x.sensitivity);
  r.str(x.show_as);
  r.str(x.importance);
  get(r, x.categories);
  r.str(x.body_preview);
  auto& p = x.pattern;
  r.str(p.pattern_type);
  p.interval = r.i32();
  get(r, p.days_of_week);
  p.day_of_month = r.i32();
  r.str(p.range_type);
  r.str(p.range_start);
  r.str(p.range_end);
  p.occurrences = r.i32();
  r.str(x.transaction_id);
  get(r, x.decided_by);
}

} // namespace

// -- emails and events ------------------------------------------------------------------------

void encode_record(const record_header& header, const email& value, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::email);
  put(w, header);
  put_email_body(w, value);
}

void encode_record(const record_header& header, const event& value, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::event);
  put(w, header);
  put_event_body(w, value);
}

status decode_record(std::string_view bytes, record_header& header, email& value) {
  return decode_with(bytes, "email", record_version::email, [&](byte_reader& r) {
    get(r, header);
    get_email_body(r, value);
  });
}

status decode_record(std::string_view bytes, record_header& header, event& value) {
  return decode_with(bytes, "event", record_version::event, [&](byte_reader& r) {
    get(r, header);
    get_event_body(r, value);
  });
}

status decode_header(std::string_view bytes, const char* kind_name, record_header& header) {
  byte_reader r{bytes};
  // Emails and events share version 1 of the header; a newer record version may move it.
  if (auto s = check_version(r, kind_name, record_version::email, bytes.size()); !s) return s;
  get(r, header);
  if (!r.ok())
    return status::corrupted(std::string(kind_name) + " record header is truncated (" +
                             std::to_string(bytes.size()) + " bytes)");
  return status::ok();
}

// -- configuration ----------------------------------------------------------------------------

void encode_record(const tenant_settings& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::tenant);
  w.str(x.id);
  w.str(x.display_name);
  w.str(x.directory_id);
  w.str(x.authority);
  w.str(x.graph);
  w.str(x.ca_file);
  w.str(x.client_id);
  w.u8(static_cast<uint8_t>(x.credential));
  put(w, x.internal_domains);
  put(w, x.folders);
  w.u32(x.email_interval_s);
  w.u32(x.calendar_interval_s);
  w.u32(x.calendar_past_days);
  w.u32(x.calendar_future_days);
  w.u32(x.page_size);
  w.boolean(x.push_attendees);
  w.boolean(x.enabled);
  w.u32(x.version);
}

status decode_record(std::string_view bytes, tenant_settings& x) {
  return decode_with(bytes, "tenant", record_version::tenant, [&](byte_reader& r) {
    r.str(x.id);
    r.str(x.display_name);
    r.str(x.directory_id);
    r.str(x.authority);
    r.str(x.graph);
    r.str(x.ca_file);
    r.str(x.client_id);
    x.credential = get_enum(r, credential_kind::certificate);
    get(r, x.internal_domains);
    get(r, x.folders);
    x.email_interval_s = r.u32();
    x.calendar_interval_s = r.u32();
    x.calendar_past_days = r.u32();
    x.calendar_future_days = r.u32();
    x.page_size = r.u32();
    x.push_attendees = r.boolean();
    x.enabled = r.boolean();
    x.version = r.u32();
  });
}

void encode_record(const user_assignment& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::user);
  w.str(x.user);
  w.str(x.tenant);
  w.str(x.mailbox);
  w.str(x.moving_from);
  w.u32(x.version);
}

status decode_record(std::string_view bytes, user_assignment& x) {
  return decode_with(bytes, "user", record_version::user, [&](byte_reader& r) {
    r.str(x.user);
    r.str(x.tenant);
    r.str(x.mailbox);
    r.str(x.moving_from);
    x.version = r.u32();
  });
}

void encode_record(const rule& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::rule);
  w.str(x.id);
  w.u8(static_cast<uint8_t>(x.level));
  w.str(x.scope);
  w.u8(static_cast<uint8_t>(x.applies_to));
  w.u8(static_cast<uint8_t>(x.action));
  w.i32(x.priority);
  w.boolean(x.enabled);
  w.str(x.note);
  w.u32(x.version);
  w.str(x.match);
}

status decode_record(std::string_view bytes, rule& x) {
  return decode_with(bytes, "rule", record_version::rule, [&](byte_reader& r) {
    r.str(x.id);
    x.level = get_enum(r, rule_level::org);
    r.str(x.scope);
    x.applies_to = get_enum(r, rule_target::both);
    if (x.applies_to == rule_target{0}) r.fail();
    x.action = get_enum(r, rule_action::exclude);
    x.priority = r.i32();
    x.enabled = r.boolean();
    r.str(x.note);
    x.version = r.u32();
    r.str(x.match);
  });
}

// -- sync state -------------------------------------------------------------------------------

void encode_record(const delta_link& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::link);
  w.str(x.tenant);
  w.str(x.user);
  w.str(x.folder);
  w.u8(static_cast<uint8_t>(x.phase));
  w.str(x.url);
  w.fixed64(x.generation);
  w.i64(x.updated_at);
  w.i64(x.window_start);
  w.i64(x.window_end);
  w.str(x.mailbox);
}

status decode_record(std::string_view bytes, delta_link& x) {
  const uint8_t version = bytes.empty() ? 0 : static_cast<uint8_t>(bytes[0]);
  x.mailbox.clear();
  return decode_with(bytes, "link", record_version::link, [&](byte_reader& r) {
    r.str(x.tenant);
    r.str(x.user);
    r.str(x.folder);
    x.phase = get_enum(r, sync_phase::resync);
    r.str(x.url);
    x.generation = r.fixed64();
    x.updated_at = r.i64();
    x.window_start = r.i64();
    x.window_end = r.i64();
    if (version >= 2)
      r.str(x.mailbox);
  });
}

void encode_record(const sync_log_line& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::sync_log);
  w.str(x.tenant);
  w.str(x.user);
  w.i64(x.at);
  w.u8(static_cast<uint8_t>(x.level));
  w.str(x.message);
}

status decode_record(std::string_view bytes, sync_log_line& x) {
  return decode_with(bytes, "sync_log", record_version::sync_log, [&](byte_reader& r) {
    r.str(x.tenant);
    r.str(x.user);
    x.at = r.i64();
    x.level = get_enum(r, log_level::error);
    r.str(x.message);
  });
}

void encode_record(const dedupe_entry& x, std::string& out) {
  // The owner is one of the sources: stored as its index, not a second copy of its key.
  byte_writer w{out};
  w.u8(record_version::dedupe);
  size_t owner = 0;
  while (owner < x.sources.size() && x.sources[owner] != x.owner) ++owner;
  w.varint(owner);
  put(w, x.sources);
}

status decode_record(std::string_view bytes, dedupe_entry& x) {
  return decode_with(bytes, "dedupe", record_version::dedupe, [&](byte_reader& r) {
    auto owner = r.varint();
    get(r, x.sources);
    if (owner >= x.sources.size()) {
      r.fail();
      return;
    }
    x.owner = x.sources[owner];
  });
}

void encode_record(const alias_entry& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::alias);
  w.str(x.dedupe_id);
  w.fixed64(x.generation);
  w.str(x.folder);
  w.str(x.mailbox);
  w.str(x.change_key);
}

status decode_record(std::string_view bytes, alias_entry& x) {
  return decode_with(bytes, "alias", record_version::alias, [&](byte_reader& r) {
    r.str(x.dedupe_id);
    x.generation = r.fixed64();
    r.str(x.folder);
    r.str(x.mailbox);
    r.str(x.change_key);
  });
}

void encode_record(const audit_record& x, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::audit);
  w.i64(x.at);
  w.str(x.actor);
  w.str(x.action);
  w.str(x.details);
}

status decode_record(std::string_view bytes, audit_record& x) {
  return decode_with(bytes, "audit", record_version::audit, [&](byte_reader& r) {
    x.at = r.i64();
    r.str(x.actor);
    r.str(x.action);
    r.str(x.details);
  });
}

void encode_credential(std::string_view sealed, std::string& out) {
  byte_writer w{out};
  w.u8(record_version::credential);
  w.str(sealed);
}

status decode_credential(std::string_view bytes, std::string& sealed) {
  return decode_with(bytes, "credential", record_version::credential,
                     [&](byte_reader& r) { r.str(sealed); });
}

} // namespace m365
