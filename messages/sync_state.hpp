// Ownership: value types. Where one folder (or calendar window) of one mailbox stands in its
// delta sync. Persisted in the same transaction as the data it describes.
#pragma once

#include <cstdint>
#include <string>


#include "messages/ids.hpp"

namespace m365 {

/// Link state machine of one folder:
///
///   initial --GET delta--> paging --(nextLink)--> paging
///                            |  \--(deltaLink)--> caught_up --(interval)--> paging
///                            '--(410 Gone)--> resync (generation+1, initial URL) --> paging
///   after the final page of a resync: records of older generations are swept.
enum class sync_phase : uint8_t { initial = 0, paging, caught_up, resync };

/// The cursor of one delta stream: `folder` is a mail folder name or "calendar".
struct delta_link {
  tenant_id tenant;
  user_id user;
  std::string folder;
  sync_phase phase = sync_phase::initial;
  std::string url;           ///< nextLink while paging, deltaLink when caught up; empty initially
  uint64_t generation = 0;   ///< bumped by a full resync; records carry the generation that saw them
  timestamp_ms updated_at = 0;
  timestamp_ms window_start = 0;  ///< calendar only: the calendarView window of this link
  timestamp_ms window_end = 0;
  /// The mailbox address the link walks. A stream whose user now has another mailbox starts a
  /// resync instead of following the old mailbox's link. Empty in links stored before it was
  /// recorded (taken as the user's current mailbox).
  std::string mailbox;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delta_link& x) {
  return f(x.tenant, x.user, x.folder, x.phase, x.url,
           x.generation, x.updated_at, x.window_start, x.window_end, x.mailbox);
}

enum class log_level : uint8_t { debug = 0, info, warn, error };

/// One line of a tenant's sync log (kept in the store, served by the API, always per tenant).
struct sync_log_line {
  tenant_id tenant;
  user_id user;          ///< empty for tenant-wide lines
  timestamp_ms at = 0;
  log_level level = log_level::info;
  std::string message;   ///< never contains a secret or a token
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_log_line& x) {
  return f(x.tenant, x.user, x.at, x.level, x.message);
}

const char* to_string(sync_phase x) noexcept;
const char* to_string(log_level x) noexcept;

} // namespace m365
