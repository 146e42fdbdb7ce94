// Helpers of the dedupe journal tests; see journal_pages.hpp.
#include "tests/store/journal_pages.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "store/key_codec.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

namespace m365::test {

email mail(const std::string& tenant, const std::string& user, const std::string& graph_id,
           const std::string& message_id) {
  return sample::make_email(tenant, user, "inbox", graph_id, std::hash<std::string>{}(graph_id),
                            message_id);
}

email_page page_of(const std::string& tenant, const std::string& user, std::vector<email> items,
                   uint64_t page_no, const std::string& folder) {
  email_page page;
  page.link = {tenant, user, folder, sync_phase::paging, "page:" + std::to_string(page_no), 0,
               static_cast<timestamp_ms>(1000 + page_no), 0, 0, ""};
  for (auto& item : items) item.folder = folder;
  page.items = std::move(items);
  return page;
}

std::string id(int n) { return "<m" + std::to_string(n) + "@client.example>"; }

std::vector<std::string> journal_owners(const std::string& path) {
  std::vector<std::string> out;
  for (auto& [hash, owner] : journal_entries(dump_environment(path))) out.push_back(owner);
  return out;
}

bool lists(const std::vector<std::string>& owners, const std::string& tenant,
           const std::string& user, const std::string& graph_id) {
  auto key = keys::record_key(tenant, user, graph_id);
  return std::find(owners.begin(), owners.end(), key) != owners.end();
}

std::string ack_text(const commit_ack& a) {
  return std::to_string(a.upserted) + "/" + std::to_string(a.duplicates) + "/" +
         std::to_string(a.removed);
}

lmdb_store& history_recorder::next_store() {
  if (reopen_ || !store_) {
    store_.reset();
    store_ = open_store(options_);
  }
  return *store_;
}

void history_recorder::commit(const std::vector<email_page>& pages) {
  write_batch batch;
  for (auto& p : pages) batch.add(p);
  auto acks = next_store().commit(batch);
  REQUIRE(acks.has_value());
  for (auto& a : *acks) log_.push_back(ack_text(a));
}

env_dump data_of(const std::string& path) {
  auto dump = dump_environment(path);
  dump.erase("meta");
  return dump;
}

void check_unchanged_by_variants(
  const std::function<store_options(const std::string& path)>& options,
  const std::function<ack_log(const store_options&, bool reopen)>& run, const ack_log& expected,
  const env_dump& reference) {
  struct variant {
    const char* name;
    bool reopen;
    uint64_t mask;
    size_t budget;
  };
  for (auto v : {variant{"reopened before every commit", true, ~uint64_t{0}, 4'000'000},
                 variant{"every id collides", false, 0, 4'000'000},
                 variant{"every id collides, reopened", true, 0, 4'000'000},
                 variant{"budget of no entry", false, ~uint64_t{0}, 0},
                 variant{"budget of one entry, ids collide", false, 0, 1}}) {
    INFO(v.name);
    temp_directory dir;
    auto o = options(dir.path());
    o.dedupe_hash_mask = v.mask;
    o.dedupe_index_budget = v.budget;
    // Budgets 0 and 1 must evict every table between transactions, the used ones too.
    o.dedupe_evict_used_tables = v.budget < 2;
    CHECK(run(o, v.reopen) == expected);
    auto dump = data_of(dir.path());
    for (auto& [name, entries] : reference) {
      INFO("database " << name);
      CHECK(dump[name] == entries);
    }
    CHECK(dump.size() == reference.size());
  }
}

} // namespace m365::test
