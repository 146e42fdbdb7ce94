// The dedupe journal: lazy per-user tables over append-only chunks; see dedupe_journal.hpp.
#include "store/dedupe_journal.hpp"

#include <algorithm>
#include <functional>
#include <limits>

#include "store/key_codec.hpp"
#include "store/lmdb_env.hpp"

namespace m365 {

void dedupe_journal::begin(MDB_txn* txn) {
  if (!staging_.empty() || !removals_.empty() || !compacted_.empty()) aborted();
  txn_ = txn;
  ++txn_no_;
}

status dedupe_journal::touch(std::string_view prefix, table*& out) {
  // Pages come per user: most calls ask for the table the previous call used.
  if (last_ != nullptr && last_->checked_in == txn_no_ && prefix == last_prefix_) {
    last_->last_use = ++clock_;
    out = last_;
    return status::ok();
  }
  auto it = tables_.find(std::string(prefix));
  if (it != tables_.end() && it->second->checked_in != txn_no_) {
    // Another process may have appended since this table was loaded: its next sequence
    // number must still be free.
    lmdb::cursor c;
    if (int rc = c.open(txn_, dbis_.journal); rc != MDB_SUCCESS)
      return lmdb::to_status(rc, "open journal cursor");
    MDB_val k, v;
    int rc = c.seek(keys::journal_key(prefix, it->second->next_seq), k, v);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return lmdb::to_status(rc, "seek journal");
    if (rc == MDB_SUCCESS && lmdb::has_prefix(lmdb::to_view(k), prefix)) {
      drop(it);
      it = tables_.end();
    } else {
      it->second->checked_in = txn_no_;
    }
  }
  if (it == tables_.end()) {
    auto fresh = std::make_unique<table>();
    if (auto s = load(prefix, *fresh); !s) return s;
    fresh->checked_in = txn_no_;
    loaded_ += fresh->committed;
    it = tables_.emplace(std::string(prefix), std::move(fresh)).first;
  }
  it->second->last_use = ++clock_;
  out = it->second.get();
  last_ = out;
  last_prefix_.assign(prefix);
  return status::ok();
}

status dedupe_journal::for_each_chunk(
  std::string_view prefix,
  const std::function<status(std::string_view key, uint64_t seq, const journal_chunk_view&)>&
    visit) {
  lmdb::cursor c;
  if (int rc = c.open(txn_, dbis_.journal); rc != MDB_SUCCESS)
    return lmdb::to_status(rc, "open journal cursor");
  MDB_val k, v;
  int rc = c.seek(prefix, k, v);
  for (; rc == MDB_SUCCESS; rc = c.next(k, v)) {
    auto key = lmdb::to_view(k);
    if (!lmdb::has_prefix(key, prefix)) break;
    if (key.size() == prefix.size()) continue;  // the counter record
    uint64_t seq = 0;
    if (!keys::parse_journal_seq(key, prefix.size(), seq))
      return status::corrupted("malformed dedupe journal key");
    journal_chunk_view chunk;
    if (auto s = chunk.parse(lmdb::to_view(v)); !s) return s;
    if (auto s = visit(key, seq, chunk); !s) return s;
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return lmdb::to_status(rc, "scan journal");
  return status::ok();
}

status dedupe_journal::load(std::string_view prefix, table& t) {
  auto s = for_each_chunk(prefix, [&](std::string_view, uint64_t seq,
                                      const journal_chunk_view& chunk) -> status {
    if (chunk.size() > std::numeric_limits<uint32_t>::max() - t.committed)
      return status::corrupted("dedupe journal of one user exceeds 2^32 entries");
    t.chunks.push_back({seq, t.committed});
    for (size_t i = 0; i < chunk.size(); ++i)
      t.slots.insert(chunk.hash(i) & options_.hash_mask, t.committed + static_cast<uint32_t>(i));
    t.committed += static_cast<uint32_t>(chunk.size());
    t.next_seq = seq + 1;
    return status::ok();
  });
  if (!s) return s;
  stat_loads_.fetch_add(1, std::memory_order_relaxed);
  return status::ok();
}

status dedupe_journal::entry_at(std::string_view prefix, const table& t, uint32_t ordinal,
                                journal_entry& out) {
  if (ordinal >= t.committed) {
    out = t.staged[ordinal - t.committed];
    return status::ok();
  }
  auto after = std::upper_bound(t.chunks.begin(), t.chunks.end(), ordinal,
                                [](uint32_t o, const chunk_ref& c) { return o < c.first; });
  auto& ref = *(after - 1);
  auto key = keys::journal_key(prefix, ref.seq);
  MDB_val k = lmdb::to_val(key);
  MDB_val v{};
  int rc = mdb_get(txn_, dbis_.journal, &k, &v);
  if (rc == MDB_NOTFOUND) return status::corrupted("dedupe journal chunk vanished");
  if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "get journal chunk");
  journal_chunk_view chunk;
  if (auto s = chunk.parse(lmdb::to_view(v)); !s) return s;
  size_t index = ordinal - ref.first;
  if (index >= chunk.size()) return status::corrupted("dedupe journal chunk shrank");
  out.hash = chunk.hash(index);
  out.owner.assign(chunk.owner(index));
  return status::ok();
}

status dedupe_journal::candidates(std::string_view prefix, uint64_t hash,
                                  std::vector<journal_entry>& out) {
  out.clear();
  table* t = nullptr;
  if (auto s = touch(prefix, t); !s) return s;
  // Ordinals first: reading a chunk must not run inside the table walk.
  ordinals_.clear();
  t->slots.find(hash & options_.hash_mask, [&](uint32_t ordinal) { ordinals_.push_back(ordinal); });
  for (auto ordinal : ordinals_) {
    out.emplace_back();
    if (auto s = entry_at(prefix, *t, ordinal, out.back()); !s) return s;
  }
  return status::ok();
}

status dedupe_journal::stage(std::string_view prefix, uint64_t hash, std::string_view owner) {
  table* t = nullptr;
  if (auto s = touch(prefix, t); !s) return s;
  if (t->staged.size() >= std::numeric_limits<uint32_t>::max() - t->committed)
    return status::invalid_argument("dedupe journal of one user exceeds 2^32 entries");
  if (t->staged.empty()) staging_.emplace_back(prefix);
  t->slots.insert(hash & options_.hash_mask, t->committed + static_cast<uint32_t>(t->staged.size()));
  t->staged.push_back({hash, std::string(owner)});
  return status::ok();
}

void dedupe_journal::count_stale(std::string_view prefix, int64_t delta) {
  // A sweep or a page removes many items of one user: most calls repeat the last prefix.
  if (removals_.empty() || removals_.back().first != prefix) {
    auto it = std::find_if(removals_.begin(), removals_.end(),
                           [&](auto& r) { return r.first == prefix; });
    if (it == removals_.end()) {
      removals_.emplace_back(std::string(prefix), 0);
    } else {
      std::iter_swap(it, removals_.end() - 1);
    }
  }
  removals_.back().second += delta;
}

status dedupe_journal::flush(const journal_liveness& live) {
  // Compaction first: it writes the staged entries of the prefixes it rewrites.
  for (auto& [prefix, count] : removals_)
    if (auto s = update_counter(prefix, count, live); !s) return s;
  if (options_.fail_after_compaction && !compacted_.empty())
    return status::internal("testing: the transaction fails after a journal compaction");
  for (auto& prefix : staging_) {
    auto& t = *tables_.at(prefix);
    if (t.staged.empty()) continue;  // compacted
    chunk_.clear();
    encode_journal_chunk(t.staged, chunk_);
    auto key = keys::journal_key(prefix, t.next_seq);
    MDB_val k = lmdb::to_val(key);
    MDB_val v = lmdb::to_val(chunk_);
    int rc = mdb_put(txn_, dbis_.journal, &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) return status::corrupted("dedupe journal chunk written twice");
    if (rc != MDB_SUCCESS) return lmdb::to_status(rc, "put journal chunk");
  }
  return status::ok();
}

void dedupe_journal::committed() {
  for (auto& prefix : staging_) {
    auto& t = *tables_.at(prefix);
    if (t.staged.empty()) continue;  // compacted: the table was reloaded with them
    t.chunks.push_back({t.next_seq, t.committed});
    t.committed += static_cast<uint32_t>(t.staged.size());
    loaded_ += t.staged.size();
    ++t.next_seq;
    t.staged.clear();
  }
  staging_.clear();
  removals_.clear();
  compacted_.clear();
  stat_compactions_.fetch_add(compactions_pending_, std::memory_order_relaxed);
  compactions_pending_ = 0;
  txn_ = nullptr;
  enforce_budget();
  publish();
}

void dedupe_journal::aborted() {
  // The tables hold the staged entries or the compacted journal: drop them, the committed
  // journal reloads on next use.
  for (auto* list : {&staging_, &compacted_})
    for (auto& prefix : *list)
      if (auto it = tables_.find(prefix); it != tables_.end()) drop(it);
  staging_.clear();
  removals_.clear();
  compacted_.clear();
  compactions_pending_ = 0;
  txn_ = nullptr;
  enforce_budget();
  publish();
}

void dedupe_journal::drop(std::unordered_map<std::string, std::unique_ptr<table>>::iterator it) {
  loaded_ -= it->second->committed;
  if (it->second.get() == last_) last_ = nullptr;
  tables_.erase(it);
}

void dedupe_journal::enforce_budget() {
  while (loaded_ > options_.budget_entries) {
    auto oldest = tables_.end();
    for (auto it = tables_.begin(); it != tables_.end(); ++it) {
      if (!options_.evict_used && it->second->checked_in == txn_no_) continue;
      if (oldest == tables_.end() || it->second->last_use < oldest->second->last_use) oldest = it;
    }
    if (oldest == tables_.end()) return;  // only tables the last transaction used are left
    drop(oldest);
  }
}

void dedupe_journal::publish() noexcept {
  stat_entries_.store(loaded_, std::memory_order_relaxed);
  stat_tables_.store(tables_.size(), std::memory_order_relaxed);
}

dedupe_journal_stats dedupe_journal::stats() const noexcept {
  dedupe_journal_stats out;
  out.loaded_entries = stat_entries_.load(std::memory_order_relaxed);
  out.loaded_tables = stat_tables_.load(std::memory_order_relaxed);
  out.loads = stat_loads_.load(std::memory_order_relaxed);
  out.compactions = stat_compactions_.load(std::memory_order_relaxed);
  return out;
}

} // namespace m365
