// Ownership: stateless codec (holds a MAC key), thread-safe. The opaque `$skiptoken` /
// `$deltatoken` values: the whole sync state travels in the link (as in Graph, where the server
// keeps no per-client cursor), MAC-protected so a client cannot forge or edit one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace m365::sim {

/// Sync state carried by a delta link.
struct link_state {
  enum class collection : uint8_t { messages = 1, events = 2 };
  collection what = collection::messages;
  uint32_t mailbox = 0;
  uint16_t folder = 0;          ///< messages only
  uint8_t change_filter = 0;    ///< changeType: 0 all, 1 created, 2 updated, 3 deleted
  uint64_t select = 0;          ///< $select bit mask, 0 = default property set
  uint64_t since = 0;           ///< changes after this sequence number belong to the round
  uint64_t upper = 0;           ///< round upper bound (0 in a deltaLink: fixed when the round starts)
  uint64_t position = 0;        ///< cursor inside the round
  uint32_t generation = 0;      ///< mailbox sync-state generation; stale -> 410
  int64_t window_start = 0;     ///< calendarView window (events only)
  int64_t window_end = 0;
};

class link_token {
public:
  explicit link_token(uint64_t seed);

  std::string encode(const link_state& state) const;
  /// nullopt when the token is malformed or its MAC does not verify.
  std::optional<link_state> decode(std::string_view token) const;

private:
  std::string key_;
};

} // namespace m365::sim
