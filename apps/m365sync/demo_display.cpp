#include "apps/m365sync/demo_display.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include <unistd.h>

namespace m365::cli {

void read_progress(const tenant_status& status, int64_t round_started, tenant_progress& out) {
  out.messages = 0;
  out.events = 0;
  std::map<std::string, bool> done;  // per CRM user: every stream finished a round
  for (const auto& m : status.mailboxes) {
    bool calendar = false;
    for (const auto& l : m.links) calendar = calendar || l.folder == "calendar";
    (calendar ? out.events : out.messages) += m.items;
    bool finished = m.last_round_at >= round_started && m.state == mailbox_state::idle;
    auto [at, fresh] = done.emplace(m.user, finished);
    if (!fresh) at->second = at->second && finished;
  }
  out.mailboxes_done = 0;
  for (const auto& [user, finished] : done) out.mailboxes_done += finished ? 1 : 0;
}

progress_display::progress_display(bool quiet)
  : quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1),
    last_plain_(std::chrono::steady_clock::now()) {}

std::string progress_display::row_text(const tenant_progress& row) {
  auto messages = row.messages - std::min(row.messages, row.base_messages);
  auto events = row.events - std::min(row.events, row.base_events);
  return row.label + " " + std::to_string(row.mailboxes_done) + "/"
         + std::to_string(row.mailboxes_total) + " mailboxes, " + std::to_string(messages)
         + " msgs, " + std::to_string(events) + " events" + (row.finished ? " done" : "");
}

void progress_display::show(const std::vector<tenant_progress>& rows) {
  if (quiet_) return;
  reported_.resize(rows.size(), false);
  if (tty_) {
    std::string line;
    for (const auto& row : rows) line += (line.empty() ? "" : " | ") + row_text(row);
    std::cerr << "\r\033[K" << line << std::flush;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  bool periodic = now - last_plain_ >= std::chrono::seconds{2};
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].finished && !reported_[i]) {
      reported_[i] = true;
      std::cerr << "  progress: " << row_text(rows[i]) << "\n";
    } else if (periodic && !rows[i].finished) {
      std::cerr << "  progress: " << row_text(rows[i]) << "\n";
    }
  }
  if (periodic) last_plain_ = now;
}

void progress_display::finish(const std::vector<tenant_progress>& rows) {
  show(rows);
  if (!quiet_ && tty_) std::cerr << "\n";
  reported_.assign(rows.size(), false);
}

} // namespace m365::cli
