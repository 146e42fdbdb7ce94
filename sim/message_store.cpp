#include "sim/message_store.hpp"

#include <algorithm>

#include "sim/base64url.hpp"
#include "sim/seed_hash.hpp"

namespace m365::sim {

message_store::message_store(const dataset& data, const item_ids& ids, uint32_t mailbox)
  : data_(data), ids_(ids), mailbox_(mailbox) {
  uint32_t n = data.messages_per_mailbox();
  records_.resize(n);
  seed_pos_.resize(n);
  // Log in received order, oldest first (the order Graph's initial round roughly follows).
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t f = data.seeded_folder(mailbox, i);
    records_[i].folder = f;
    seed_pos_[i] = static_cast<uint32_t>(logs_[f].size());
    logs_[f].push_back({1, i, change::created, none});
  }
}

uint32_t message_store::last_pos(uint16_t folder, uint32_t index) const {
  auto it = last_pos_[folder].find(index);
  if (it != last_pos_[folder].end())
    return it->second;
  if (index < seed_pos_.size() && data_.seeded_folder(mailbox_, index) == folder)
    return seed_pos_[index];
  return none;
}

void message_store::append(uint16_t folder, uint32_t index, change kind) {
  auto& log = logs_[folder];
  uint32_t pos = static_cast<uint32_t>(log.size());
  uint32_t prev = last_pos(folder, index);
  if (prev != none)
    log[prev].next_same = pos;
  last_pos_[folder][index] = pos;
  log.push_back({seq_, index, kind, none});
}

uint64_t message_store::round_start(uint16_t folder, uint64_t since) const {
  auto& log = logs_[folder];
  auto it = std::upper_bound(log.begin(), log.end(), since,
                             [](uint64_t s, const log_entry& e) { return s < e.seq; });
  return static_cast<uint64_t>(it - log.begin());
}

uint64_t message_store::collect(uint16_t folder, uint8_t change_filter, uint64_t since, uint64_t upper,
                                uint64_t position, uint32_t max_items, std::vector<delta_item>& out,
                                bool& more) const {
  auto& log = logs_[folder];
  uint64_t hi = round_start(folder, upper);
  uint64_t p = std::max(position, round_start(folder, since));
  uint32_t emitted = 0;
  for (; p < hi && emitted < max_items; ++p) {
    const log_entry& e = log[p];
    if (change_filter != 0) {
      if (static_cast<uint8_t>(e.kind) + 1 != change_filter)
        continue;
      // A later change of the same kind in this round supersedes this one.
      bool superseded = false;
      for (uint32_t n = e.next_same; n != none && n < hi; n = log[n].next_same)
        if (log[n].kind == e.kind)
          superseded = true;
      if (superseded)
        continue;
    } else if (e.next_same != none && e.next_same < hi) {
      continue;
    }
    if (e.kind == change::removed && since == 0)
      continue; // a first sync has nothing to remove
    out.push_back({e.index, e.kind == change::removed});
    ++emitted;
  }
  more = p < hi;
  return p;
}

std::string message_store::change_key(uint32_t index, uint32_t version) const {
  uint64_t h = hash_of({data_.seed(), 31, mailbox_, index, version});
  std::string raw("\x09\x00\x00\x00\x16\x00\x00\x00", 8);
  raw.append(reinterpret_cast<const char*>(&h), 8);
  uint64_t h2 = mix64(h);
  raw.append(reinterpret_cast<const char*>(&h2), 4);
  return base64_encode(raw);
}

message_fields message_store::fields_of(uint32_t index) const {
  const message_record& r = records_[index];
  return r.edited ? *r.edited : data_.seeded_message(mailbox_, index);
}

const message_record& message_store::materialize(uint32_t index) {
  message_record& r = records_[index];
  if (!r.cache) {
    r.cache = std::make_unique<message_cache>();
    message_fields f = fields_of(index);
    if (r.created == 0) {
      r.created = f.received;
      r.modified = f.received + 2;
    }
    message_json::build_cache(data_, f, ids_.folder_id(mailbox_, r.folder), change_key(index, r.version),
                              r.created, r.modified, *r.cache);
  }
  return r;
}

const message_record* message_store::find(uint32_t index) const {
  return index < records_.size() ? &records_[index] : nullptr;
}

std::string message_store::id_of(uint32_t index, uint16_t folder, bool immutable) const {
  return ids_.message_id(mailbox_, index, folder, immutable);
}

uint32_t message_store::add(message_fields fields, uint16_t folder, int64_t now) {
  uint32_t index = static_cast<uint32_t>(records_.size());
  records_.emplace_back();
  message_record& r = records_.back();
  r.folder = folder;
  r.created = now;
  r.modified = now;
  if (fields.received == 0)
    fields.received = now;
  if (fields.sent == 0)
    fields.sent = now - 1;
  r.edited = std::make_unique<message_fields>(std::move(fields));
  ++seq_;
  append(folder, index, change::created);
  return index;
}

bool message_store::update(uint32_t index, const std::function<void(message_fields&)>& patch, int64_t now) {
  if (index >= records_.size() || records_[index].deleted)
    return false;
  message_record& r = records_[index];
  if (!r.edited)
    r.edited = std::make_unique<message_fields>(data_.seeded_message(mailbox_, index));
  if (r.created == 0) {
    r.created = r.edited->received;
  }
  patch(*r.edited);
  r.modified = now;
  ++r.version;
  r.cache.reset();
  ++seq_;
  append(r.folder, index, change::updated);
  return true;
}

bool message_store::move(uint32_t index, uint16_t folder, int64_t now) {
  if (index >= records_.size() || records_[index].deleted || folder >= folder_count)
    return false;
  message_record& r = records_[index];
  if (r.folder == folder)
    return true;
  if (r.created == 0) {
    message_fields f = fields_of(index);
    r.created = f.received;
  }
  ++seq_;
  append(r.folder, index, change::removed);
  r.folder = folder;
  r.modified = now;
  ++r.version;
  r.cache.reset();
  append(folder, index, change::created);
  return true;
}

bool message_store::remove(uint32_t index) {
  if (index >= records_.size() || records_[index].deleted)
    return false;
  message_record& r = records_[index];
  r.deleted = true;
  ++seq_;
  append(r.folder, index, change::removed);
  return true;
}

message_truth message_store::truth(uint32_t index) const {
  const message_record& r = records_[index];
  message_fields f = fields_of(index);
  return {index, r.folder, r.deleted, f.internet_message_id, f.subject, f.is_read};
}

} // namespace m365::sim
