// Ownership: value types moved between actors (never copied on the hot path: send with
// std::move). A decoded delta page and the persistence actor's acknowledgement.
#pragma once

#include <cstdint>
#include <string>
#include <vector>


#include "messages/email.hpp"
#include "messages/event.hpp"
#include "messages/sync_state.hpp"

namespace m365 {

/// One page of `messages/delta` for one folder, after rule evaluation. Applied atomically:
/// upserts, removals, the new link and the log line in one transaction.
struct email_page {
  delta_link link;                       ///< the cursor after this page (next or delta link)
  std::vector<email> items;              ///< included items to upsert
  std::vector<std::string> removed_ids;  ///< Graph ids reported `@removed` (or now excluded)
  bool final_page = false;               ///< true when `link.url` is a deltaLink
  std::string log;                       ///< sync-log message for this page (may be empty)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, email_page& x) {
  return f(x.link, x.items, x.removed_ids, x.final_page,
           x.log);
}

/// One page of `calendarView/delta` for one mailbox.
struct event_page {
  delta_link link;
  std::vector<event> items;
  std::vector<std::string> removed_ids;
  bool final_page = false;
  std::string log;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_page& x) {
  return f(x.link, x.items, x.removed_ids, x.final_page,
           x.log);
}

/// Sent after the transaction holding a page has committed.
struct commit_ack {
  uint64_t upserted = 0;
  uint64_t removed = 0;
  uint64_t duplicates = 0;      ///< items skipped because the user already has them via dedupe key
  uint64_t swept = 0;           ///< records of older generations removed after a resync
  uint64_t batch_pages = 1;     ///< how many pages shared the transaction (group commit)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commit_ack& x) {
  return f(x.upserted, x.removed, x.duplicates, x.swept,
           x.batch_pages);
}

} // namespace m365
