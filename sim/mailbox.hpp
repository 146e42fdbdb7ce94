// Ownership: one per user, created on first use, owned by `world`; `mutex` guards everything.
// A mailbox: its messages, its calendar and its sync-state generation (bumped to invalidate all
// outstanding delta links, which then answer 410 syncStateNotFound).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "sim/calendar_store.hpp"
#include "sim/message_store.hpp"

namespace m365::sim {

struct mailbox {
  mailbox(const dataset& data, const item_ids& ids, uint32_t index)
    : messages(data, ids, index), calendar(data, index) {}

  std::mutex mutex;
  message_store messages;
  calendar_store calendar;
  uint32_t generation = 0;
  std::atomic<uint64_t> requests{0}; ///< request counter for seeded fault decisions
};

} // namespace m365::sim
