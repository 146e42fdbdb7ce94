// Opening a store and committing one page in tests; see commit_helpers.hpp.
#include "tests/store/commit_helpers.hpp"

#include <catch2/catch.hpp>

namespace m365::test {

namespace {

template <class Page>
commit_ack commit_page(lmdb_store& store, const Page& page) {
  write_batch batch;
  batch.add(page);
  auto acks = store.commit(batch);
  REQUIRE(acks.has_value());
  REQUIRE(acks->size() == 1);
  return acks->front();
}

} // namespace

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

commit_ack commit_one(lmdb_store& store, const email_page& page) {
  return commit_page(store, page);
}

commit_ack commit_one(lmdb_store& store, const event_page& page) {
  return commit_page(store, page);
}

} // namespace m365::test
