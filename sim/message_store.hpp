// Ownership: owned by one mailbox; NOT thread-safe (the mailbox's mutex guards every call).
// Messages of one mailbox and a change log per folder. A delta round is the log window
// (since, upper]; an entry is emitted only if it is the message's last entry inside the window,
// so every message appears once per round. Moves log "removed" in the old folder and "created"
// in the new one, which is what Graph's per-folder delta shows.
//
//   seeded (seq 1) --update--> updated entry   --move--> removed(old) + created(new)
//                  --delete--> removed entry (the record stays, flagged deleted)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/dataset.hpp"
#include "sim/item_ids.hpp"
#include "sim/message_json.hpp"

namespace m365::sim {

/// One message slot of a mailbox.
struct message_record {
  uint16_t folder = 0;
  bool deleted = false;
  uint32_t version = 0;
  int64_t created = 0;
  int64_t modified = 0;
  std::unique_ptr<message_fields> edited; ///< null: content is the seeded recipe
  std::unique_ptr<message_cache> cache;    ///< built when first served, dropped on change
};

/// One emitted item of a delta page.
struct delta_item {
  uint32_t index = 0;
  bool removed = false;
};

/// Ground truth of one message (for `/_sim/` dumps and tests).
struct message_truth {
  uint32_t index = 0;
  uint16_t folder = 0;
  bool deleted = false;
  std::string internet_message_id;
  std::string subject;
  bool is_read = false;
};

class message_store {
public:
  message_store(const dataset& data, const item_ids& ids, uint32_t mailbox);

  /// Change sequence of the last mutation (seeded data is sequence 1).
  uint64_t sequence() const noexcept { return seq_; }

  /// First log position of a round starting after `since`.
  uint64_t round_start(uint16_t folder, uint64_t since) const;

  /// `change_filter`: 0 every change, 1 created, 2 updated, 3 deleted (Graph's changeType).
  /// Collects up to `max_items` items of the round (since, upper] from `position`; returns the
  /// position after the last entry looked at (== round end when the round is complete).
  uint64_t collect(uint16_t folder, uint8_t change_filter, uint64_t since, uint64_t upper, uint64_t position,
                   uint32_t max_items, std::vector<delta_item>& out, bool& more) const;

  /// Ensures the record's cache is built and returns it.
  const message_record& materialize(uint32_t index);
  const message_record* find(uint32_t index) const;
  size_t size() const noexcept { return records_.size(); }
  std::string id_of(uint32_t index, uint16_t folder, bool immutable) const;

  // -- mutations (each is one change sequence number) --
  uint32_t add(message_fields fields, uint16_t folder, int64_t now);
  bool update(uint32_t index, const std::function<void(message_fields&)>& patch, int64_t now);
  bool move(uint32_t index, uint16_t folder, int64_t now);
  bool remove(uint32_t index);

  message_truth truth(uint32_t index) const;
  message_fields fields_of(uint32_t index) const;

private:
  enum class change : uint8_t { created = 0, updated = 1, removed = 2 };
  struct log_entry {
    uint64_t seq;
    uint32_t index;
    change kind;
    uint32_t next_same; ///< next entry of the same message in this folder's log, or none
  };
  static constexpr uint32_t none = 0xffffffffu;

  void append(uint16_t folder, uint32_t index, change kind);
  uint32_t last_pos(uint16_t folder, uint32_t index) const;
  std::string change_key(uint32_t index, uint32_t version) const;

  const dataset& data_;
  const item_ids& ids_;
  uint32_t mailbox_;
  uint64_t seq_ = 1;
  std::vector<message_record> records_;
  std::vector<uint32_t> seed_pos_;  ///< log position of each seeded message's creation entry
  std::vector<log_entry> logs_[folder_count];
  std::unordered_map<uint32_t, uint32_t> last_pos_[folder_count]; ///< only for changed messages
};

} // namespace m365::sim
