// Ownership: value type held by a stream actor, one per folder (or calendar window).
// Threading: used from its actor only. CAF-free so the state machine is testable alone.
//
// The link state machine of one delta stream (persisted with every page, same transaction):
//
//   initial --fetch--> paging --(nextLink page committed)--> paging
//      |                 '-----(deltaLink page committed)--> caught_up --(next round)--> paging
//      |                                                                    |
//      '<------------------- 410 Gone: generation+1, url cleared ----------'  => resync
//   resync --pages (phase resync)--> final page committed: the store sweeps records of older
//            generations in the same transaction, the stream is caught_up again.
//   any state --the user's mailbox changed--> resync of the new mailbox (as after a 410).
//   calendar: a new day's window --> initial (a fresh delta round over the new window, no
//            sweep: events that left the window stay in the CRM as history); an unfinished
//            resync stays a resync so that its final page still sweeps.
//
// Only a committed page moves the cursor: a fetched page that fails to commit is fetched again.
#pragma once

#include <string>

#include "messages/sync_state.hpp"

namespace m365 {

class delta_cursor {
public:
  delta_cursor() = default;
  /// Resumes from a stored link (or a default-constructed one for a new stream).
  explicit delta_cursor(delta_link committed) : committed_(std::move(committed)) {}

  /// The link to fetch next: the committed next/delta link, or empty to start a delta round.
  const std::string& next_url() const noexcept { return committed_.url; }

  /// The link to store together with a fetched page whose own link is `page_url`.
  delta_link link_for_page(const std::string& page_url, bool final_page,
                           timestamp_ms now) const;

  /// The page carrying `stored` has committed.
  void on_committed(const delta_link& stored, bool final_page);

  /// Graph answered 410 Gone for the current link: start a full resync of this stream.
  void on_gone(timestamp_ms now);

  /// The stream now reads `mailbox`. A link stored without a mailbox is taken as that
  /// mailbox's; a link of another mailbox is not followed: the stream resyncs, and the final
  /// page sweeps what only the old mailbox had. True when a resync starts.
  bool use_mailbox(const std::string& mailbox, timestamp_ms now);

  /// Calendar streams: the calendarView window for this round is [from, to). A window other
  /// than the link's starts a fresh delta round over it; true when that happened.
  bool use_window(timestamp_ms from, timestamp_ms to);

  const delta_link& committed() const noexcept { return committed_; }
  sync_phase phase() const noexcept { return committed_.phase; }

private:
  delta_link committed_;
};

} // namespace m365
