// Names of the vocabulary's enums, id checks and report arithmetic. CAF-free.
#include <algorithm>
#include <cctype>

#include "messages/engine.hpp"
#include "messages/errors.hpp"
#include "messages/ids.hpp"
#include "messages/lifecycle.hpp"
#include "messages/rule.hpp"
#include "messages/rule_explanation.hpp"
#include "messages/rule_set_snapshot.hpp"
#include "messages/status.hpp"
#include "messages/sync_state.hpp"

namespace m365 {

const char* to_string(status_code code) noexcept {
  switch (code) {
    case status_code::ok: return "ok";
    case status_code::invalid_argument: return "invalid_argument";
    case status_code::not_found: return "not_found";
    case status_code::already_exists: return "already_exists";
    case status_code::io_error: return "io_error";
    case status_code::corrupted: return "corrupted";
    case status_code::map_full: return "map_full";
    case status_code::version_mismatch: return "version_mismatch";
    case status_code::unavailable: return "unavailable";
    case status_code::permission_denied: return "permission_denied";
    case status_code::timeout: return "timeout";
    case status_code::internal: return "internal";
  }
  return "unknown";
}

std::string status::to_string() const {
  if (is_ok()) return "ok";
  std::string out = m365::to_string(code_);
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

bool is_valid_tenant_id(const std::string& id) noexcept {
  if (id.empty() || id.size() > 63 || id.front() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_valid_user_id(const std::string& id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return c > ' ' && c < 127 && c != '/';
  });
}

const char* to_string(rule_level x) noexcept {
  switch (x) {
    case rule_level::user: return "user";
    case rule_level::tenant: return "tenant";
    case rule_level::org: return "org";
  }
  return "unknown";
}

const char* to_string(rule_target x) noexcept {
  switch (x) {
    case rule_target::email: return "email";
    case rule_target::event: return "event";
    case rule_target::both: return "both";
  }
  return "unknown";
}

const char* to_string(rule_action x) noexcept {
  return x == rule_action::exclude ? "exclude" : "include";
}

const char* to_string(rule_outcome x) noexcept {
  switch (x) {
    case rule_outcome::matched: return "matched";
    case rule_outcome::not_matched: return "not matched";
    case rule_outcome::disabled: return "skipped (disabled)";
    case rule_outcome::other_kind: return "skipped (applies_to)";
    case rule_outcome::other_tenant: return "skipped (pinned to another tenant)";
  }
  return "unknown";
}

const char* to_string(sync_phase x) noexcept {
  switch (x) {
    case sync_phase::initial: return "initial";
    case sync_phase::paging: return "paging";
    case sync_phase::caught_up: return "caught_up";
    case sync_phase::resync: return "resync";
  }
  return "unknown";
}

const char* to_string(log_level x) noexcept {
  switch (x) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "unknown";
}

const char* to_string(store_errc x) noexcept {
  switch (x) {
    case store_errc::io_error: return "io_error";
    case store_errc::map_full: return "map_full";
    case store_errc::corrupted: return "corrupted";
    case store_errc::version_mismatch: return "version_mismatch";
    case store_errc::invalid_record: return "invalid_record";
    case store_errc::closed: return "closed";
  }
  return "unknown";
}

const char* to_string(graph_errc x) noexcept {
  switch (x) {
    case graph_errc::transport: return "transport";
    case graph_errc::throttled: return "throttled";
    case graph_errc::unauthorized: return "unauthorized";
    case graph_errc::forbidden: return "forbidden";
    case graph_errc::not_found: return "not_found";
    case graph_errc::sync_state_gone: return "sync_state_gone";
    case graph_errc::bad_response: return "bad_response";
    case graph_errc::foreign_host: return "foreign_host";
    case graph_errc::server_error: return "server_error";
    case graph_errc::precondition_failed: return "precondition_failed";
    case graph_errc::request_rejected: return "request_rejected";
  }
  return "unknown";
}

const char* to_string(token_errc x) noexcept {
  switch (x) {
    case token_errc::invalid_secret: return "invalid_secret (AADSTS7000215)";
    case token_errc::expired_secret: return "expired_secret (AADSTS7000222)";
    case token_errc::app_not_in_tenant: return "app_not_in_tenant (AADSTS700016)";
    case token_errc::tenant_not_found: return "tenant_not_found (AADSTS90002)";
    case token_errc::invalid_scope: return "invalid_scope (AADSTS70011)";
    case token_errc::bad_certificate: return "bad_certificate";
    case token_errc::no_credential: return "no_credential";
    case token_errc::endpoint_error: return "endpoint_error";
  }
  return "unknown";
}

const char* to_string(config_errc x) noexcept {
  switch (x) {
    case config_errc::parse_error: return "parse_error";
    case config_errc::invalid_value: return "invalid_value";
    case config_errc::unknown_reference: return "unknown_reference";
    case config_errc::conflict: return "conflict";
  }
  return "unknown";
}

const char* to_string(sync_errc x) noexcept {
  switch (x) {
    case sync_errc::tenant_disabled: return "tenant_disabled";
    case sync_errc::tenant_parked: return "tenant_parked";
    case sync_errc::unknown_tenant: return "unknown_tenant";
    case sync_errc::unknown_user: return "unknown_user";
    case sync_errc::mailbox_parked: return "mailbox_parked";
    case sync_errc::shutting_down: return "shutting_down";
  }
  return "unknown";
}

store_errc to_store_errc(status_code code) noexcept {
  switch (code) {
    case status_code::map_full: return store_errc::map_full;
    case status_code::corrupted: return store_errc::corrupted;
    case status_code::version_mismatch: return store_errc::version_mismatch;
    case status_code::invalid_argument: return store_errc::invalid_record;
    default: return store_errc::io_error;
  }
}


const char* to_string(tenant_state x) noexcept {
  switch (x) {
    case tenant_state::running: return "running";
    case tenant_state::degraded: return "degraded";
    case tenant_state::parked: return "parked";
    case tenant_state::disabled: return "disabled";
    case tenant_state::restarting: return "restarting";
  }
  return "unknown";
}

const char* to_string(mailbox_state x) noexcept {
  switch (x) {
    case mailbox_state::idle: return "idle";
    case mailbox_state::syncing: return "syncing";
    case mailbox_state::backoff: return "backoff";
    case mailbox_state::parked: return "parked";
  }
  return "unknown";
}

std::string to_string(const rule_set_snapshot& x) {
  return "rule_set_snapshot(generation " + std::to_string(x.generation) + ")";
}

const char* to_string(token_state x) noexcept {
  switch (x) {
    case token_state::empty: return "empty";
    case token_state::fetching: return "fetching";
    case token_state::cached: return "cached";
    case token_state::parked: return "parked";
  }
  return "unknown";
}

const char* to_string(stream_kind x) noexcept {
  return x == stream_kind::mail ? "mail" : "calendar";
}

void merge_into(round_report& a, const round_report& b) {
  a.mailboxes += b.mailboxes;
  a.failed_mailboxes += b.failed_mailboxes;
  a.calendars += b.calendars;
  a.failed_calendars += b.failed_calendars;
  a.pages += b.pages;
  a.items += b.items;
  a.removed += b.removed;
  a.excluded += b.excluded;
  a.errors.insert(a.errors.end(), b.errors.begin(), b.errors.end());
}

} // namespace m365
