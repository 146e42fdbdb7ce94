#include "actors/delta_cursor.hpp"

#include <algorithm>
#include <cctype>

namespace m365 {

namespace {

/// Mailbox addresses compare without ASCII case (Exchange resolves them that way): a UPN
/// whose case changed is the same mailbox and must not trigger a resync.
bool same_mailbox(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

} // namespace

delta_link delta_cursor::link_for_page(const std::string& page_url, bool final_page,
                                       timestamp_ms now) const {
  delta_link next = committed_;
  next.url = page_url;
  next.updated_at = now;
  if (committed_.phase == sync_phase::resync)
    next.phase = sync_phase::resync; // the store sweeps on the final resync page
  else
    next.phase = final_page ? sync_phase::caught_up : sync_phase::paging;
  return next;
}

void delta_cursor::on_committed(const delta_link& stored, bool final_page) {
  committed_ = stored;
  if (final_page)
    committed_.phase = sync_phase::caught_up;
}

void delta_cursor::on_gone(timestamp_ms now) {
  committed_.generation += 1;
  committed_.phase = sync_phase::resync;
  committed_.url.clear();
  committed_.updated_at = now;
}

bool delta_cursor::use_mailbox(const std::string& mailbox, timestamp_ms now) {
  if (committed_.mailbox.empty() || same_mailbox(committed_.mailbox, mailbox)) {
    committed_.mailbox = mailbox;
    return false;
  }
  committed_.mailbox = mailbox;
  on_gone(now);
  return true;
}

bool delta_cursor::use_window(timestamp_ms from, timestamp_ms to) {
  if (committed_.window_start == from && committed_.window_end == to)
    return false;
  committed_.window_start = from;
  committed_.window_end = to;
  committed_.url.clear();
  if (committed_.phase != sync_phase::resync)
    committed_.phase = sync_phase::initial;
  return true;
}

} // namespace m365
