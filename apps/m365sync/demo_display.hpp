// Ownership: one per demo run, used from the main thread only. Writes progress to stderr.
// The demo's live progress: per tenant, mailboxes done / total, messages and events stored.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "messages/engine.hpp"

namespace m365::cli {

/// What one tenant's round has done so far, read from the org's tenant_status.
struct tenant_progress {
  std::string label;          ///< tenant id and role
  uint32_t mailboxes_total = 0;
  uint32_t mailboxes_done = 0;  ///< mail and calendar streams both finished a round
  uint64_t messages = 0;
  uint64_t events = 0;
  uint64_t base_messages = 0;   ///< totals before this round (subtracted for display)
  uint64_t base_events = 0;
  bool finished = false;
};

/// Counts a tenant_status into `out` (label and total stay). A stream is a calendar stream when
/// its links name the "calendar" folder; a mailbox is done when every stream of it finished
/// a round after `round_started` (unix ms).
void read_progress(const tenant_status& status, int64_t round_started, tenant_progress& out);

/// A TTY gets one line rewritten in place; a pipe or file gets a plain line per tenant when it
/// finishes and a summary line every few seconds, so logs stay readable. Quiet: nothing.
class progress_display {
public:
  explicit progress_display(bool quiet);
  void show(const std::vector<tenant_progress>& rows);
  /// Ends the in-place line (TTY) so later output starts on a fresh line.
  void finish(const std::vector<tenant_progress>& rows);

private:
  static std::string row_text(const tenant_progress& row);
  bool quiet_;
  bool tty_;
  std::vector<bool> reported_;
  std::chrono::steady_clock::time_point last_plain_;
};

} // namespace m365::cli
