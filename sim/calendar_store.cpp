#include "sim/calendar_store.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sim/base64url.hpp"
#include "sim/seed_hash.hpp"

namespace m365::sim {

calendar_store::calendar_store(const dataset& data, uint32_t mailbox) : data_(data), mailbox_(mailbox) {
  uint32_t n = data.events_per_mailbox();
  events_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    events_.push_back(std::make_shared<const event_fields>(data.seeded_event(mailbox, i)));
    versions_.push_back(0);
    log_.push_back({1, i, nullptr});
  }
}

std::vector<calendar_item> calendar_store::round(uint64_t since, uint64_t upper, int64_t ws, int64_t we) const {
  // The round is a snapshot at `upper`: items changed later are seen as they were then (the
  // first later change's `before`), so positions inside a paged round never shift.
  auto after_upper = std::upper_bound(log_.begin(), log_.end(), upper,
                                      [](uint64_t s, const log_entry& e) { return s < e.seq; });
  std::unordered_map<uint32_t, const event_fields*> at_upper;
  for (auto it = after_upper; it != log_.end(); ++it)
    at_upper.emplace(it->index, it->before.get());
  auto state_at_upper = [&](uint32_t index) {
    auto found = at_upper.find(index);
    return found == at_upper.end() ? events_[index].get() : found->second;
  };
  std::vector<calendar_item> out;
  if (since == 0) {
    // First sync: every live instance in the window, by start time.
    std::vector<std::pair<int64_t, calendar_item>> all;
    for (uint32_t i = 0; i < events_.size(); ++i) {
      const event_fields* e = state_at_upper(i);
      if (!e)
        continue;
      for (auto& in : expand_instances(*e, ws, we))
        all.push_back({in.start, {i, in.occurrence, false}});
    }
    std::stable_sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& a : all)
      out.push_back(a.second);
    return out;
  }
  auto lo = std::upper_bound(log_.begin(), log_.end(), since, [](uint64_t s, const log_entry& e) { return s < e.seq; });
  std::unordered_set<uint32_t> seen;
  for (auto it = lo; it != after_upper; ++it) {
    if (!seen.insert(it->index).second)
      continue;
    const event_fields* before = it->before.get(); // state at `since`
    const event_fields* now = state_at_upper(it->index);
    std::vector<event_instance> old_in, new_in;
    if (before)
      old_in = expand_instances(*before, ws, we);
    if (now)
      new_in = expand_instances(*now, ws, we);
    for (auto& o : old_in) {
      bool still = std::any_of(new_in.begin(), new_in.end(), [&](auto& n) { return n.occurrence == o.occurrence; });
      if (!still)
        out.push_back({it->index, o.occurrence, true});
    }
    for (auto& n : new_in)
      out.push_back({it->index, n.occurrence, false});
  }
  return out;
}

std::shared_ptr<const event_fields> calendar_store::get(uint32_t index) const {
  return index < events_.size() ? events_[index] : nullptr;
}

std::string calendar_store::change_key(uint32_t index) const {
  uint64_t h = hash_of({data_.seed(), 41, mailbox_, index, versions_[index]});
  uint64_t h2 = mix64(h);
  std::string raw(reinterpret_cast<const char*>(&h), 8);
  raw.append(reinterpret_cast<const char*>(&h2), 8);
  raw.append("\0\0\x2d\xf6", 4);
  return base64_encode(raw);
}

int64_t calendar_store::find_transaction(const std::string& tid) const {
  auto it = transactions_.find(tid);
  return it == transactions_.end() ? -1 : static_cast<int64_t>(it->second);
}

uint32_t calendar_store::create(event_fields e) {
  uint32_t index = static_cast<uint32_t>(events_.size());
  if (!e.transaction_id.empty())
    transactions_[e.transaction_id] = index;
  events_.push_back(std::make_shared<const event_fields>(std::move(e)));
  versions_.push_back(0);
  log_.push_back({++seq_, index, nullptr});
  return index;
}

bool calendar_store::replace(uint32_t index, event_fields e) {
  if (index >= events_.size() || !events_[index])
    return false;
  auto before = events_[index];
  events_[index] = std::make_shared<const event_fields>(std::move(e));
  ++versions_[index];
  log_.push_back({++seq_, index, std::move(before)});
  return true;
}

bool calendar_store::remove(uint32_t index) {
  if (index >= events_.size() || !events_[index])
    return false;
  auto before = std::move(events_[index]);
  events_[index] = nullptr;
  ++versions_[index];
  log_.push_back({++seq_, index, std::move(before)});
  return true;
}

} // namespace m365::sim
