// Ownership: owned by one mailbox; NOT thread-safe (the mailbox's mutex guards every call).
// Calendar items of one mailbox as immutable versions, plus a change log whose entries keep the
// version before the change, so a delta round can tell which instances left the window.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/dataset.hpp"
#include "sim/event_instance.hpp"

namespace m365::sim {

/// One item of a calendarView delta round.
struct calendar_item {
  uint32_t index = 0;
  uint32_t occurrence = 0;
  bool removed = false;
};

class calendar_store {
public:
  calendar_store(const dataset& data, uint32_t mailbox);

  uint64_t sequence() const noexcept { return seq_; }

  /// Every item of the round (since, upper] for the window, in a stable order.
  std::vector<calendar_item> round(uint64_t since, uint64_t upper, int64_t ws, int64_t we) const;

  /// Current version, or null when the index is unknown or the item was deleted.
  std::shared_ptr<const event_fields> get(uint32_t index) const;
  std::string change_key(uint32_t index) const;
  size_t size() const noexcept { return events_.size(); }
  bool deleted(uint32_t index) const { return index < events_.size() && !events_[index]; }

  /// Index of the event created with `transaction_id`, or -1.
  int64_t find_transaction(const std::string& transaction_id) const;

  uint32_t create(event_fields e);
  bool replace(uint32_t index, event_fields e);
  bool remove(uint32_t index);

private:
  struct log_entry {
    uint64_t seq;
    uint32_t index;
    std::shared_ptr<const event_fields> before; ///< null: the change created the item
  };

  const dataset& data_;
  uint32_t mailbox_;
  uint64_t seq_ = 1;
  std::vector<std::shared_ptr<const event_fields>> events_; ///< null = deleted
  std::vector<uint32_t> versions_;
  std::vector<log_entry> log_;
  std::unordered_map<std::string, uint32_t> transactions_;
};

} // namespace m365::sim
