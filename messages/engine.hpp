// Ownership: value types exchanged with the sync engine's actors (supervisors, mailboxes,
// token actors). Status types are snapshots: they never hold a secret.
#pragma once

#include <cstdint>
#include <string>
#include <vector>


#include "messages/ids.hpp"
#include "messages/lifecycle.hpp"
#include "messages/sync_state.hpp"

namespace m365 {

/// An access token for one tenant. The value is a secret: never log it, never put it in a
/// status or an error; only the Graph adapter sends it, and only to the tenant's Graph host.
struct access_token {
  tenant_id tenant;
  std::string value;
  timestamp_ms expires_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, access_token& x) {
  return f(x.tenant, x.value, x.expires_at);
}

/// Where one stream actor stands: a user's mail folders or a user's calendar (`kind`).
struct mailbox_status {
  user_id user;
  std::string mailbox;
  stream_kind kind = stream_kind::mail;
  mailbox_state state = mailbox_state::idle;  ///< see messages/lifecycle.hpp
  std::string last_error;     ///< empty when healthy; never holds a secret
  timestamp_ms last_round_at = 0;
  uint64_t pages = 0;         ///< pages committed since start
  uint64_t items = 0;         ///< items upserted since start
  uint64_t excluded = 0;      ///< items the rules excluded since start
  uint64_t errors = 0;        ///< failed fetches or commits since start
  std::vector<delta_link> links;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mailbox_status& x) {
  return f(x.user, x.mailbox, x.kind, x.state,
           x.last_error,
           x.last_round_at, x.pages, x.items, x.excluded, x.errors, x.links);
}

/// Where one tenant instance stands (states: messages/lifecycle.hpp; when `parked`,
/// `last_error` says what to do).
struct tenant_status {
  tenant_id tenant;
  tenant_state state = tenant_state::disabled;
  std::string last_error;
  timestamp_ms token_expires_at = 0;
  uint32_t restarts = 0;
  std::vector<mailbox_status> mailboxes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_status& x) {
  return f(x.tenant, x.state, x.last_error,
           x.token_expires_at, x.restarts, x.mailboxes);
}

/// Where one tenant's access token stands (the token actor); never holds the token itself.
struct token_status {
  token_state state = token_state::empty;
  std::string last_error;     ///< the refusal that parked it; empty otherwise
  timestamp_ms expires_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_status& x) {
  return f(x.state, x.last_error, x.expires_at);
}

/// What one sync round (every folder and the calendar brought to its delta link) did. A
/// mailbox actor reports itself under `mailboxes`, a calendar actor under `calendars`.
struct round_report {
  tenant_id tenant;
  uint32_t mailboxes = 0;
  uint32_t failed_mailboxes = 0;
  uint32_t calendars = 0;
  uint32_t failed_calendars = 0;
  uint64_t pages = 0;
  uint64_t items = 0;
  uint64_t removed = 0;
  uint64_t excluded = 0;
  std::vector<std::string> errors;  ///< one line per failed mailbox or folder
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, round_report& x) {
  return f(x.tenant, x.mailboxes, x.failed_mailboxes,
           x.calendars, x.failed_calendars, x.pages, x.items, x.removed, x.excluded, x.errors);
}

/// Adds `b` into `a` (counts and errors); used when a tenant aggregates its mailboxes.
void merge_into(round_report& a, const round_report& b);

} // namespace m365
