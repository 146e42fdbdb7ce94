// Helpers of the dedupe journal tests; see journal_pages.hpp.
#include "tests/store/journal_pages.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "store/key_codec.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

namespace m365::test {

std::unique_ptr<lmdb_store> open_store(store_options options) {
  auto store = lmdb_store::open(options);
  REQUIRE(store.has_value());
  return std::move(store).value();
}

std::unique_ptr<lmdb_store> open_store(const std::string& path) {
  store_options options;
  options.path = path;
  return open_store(options);
}

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

commit_ack commit_one(lmdb_store& store, const email_page& page) {
  write_batch batch;
  batch.add(page);
  auto acks = store.commit(batch);
  REQUIRE(acks.has_value());
  return acks->front();
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

} // namespace m365::test
