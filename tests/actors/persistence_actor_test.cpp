// The persistence actor is the one writer: pages that queue up share a transaction (group
// commit), every page is acknowledged exactly once after its commit, errors reach the sender,
// flush waits for everything before it, and a fatal store error stops the actor.
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/persistence_actor.hpp"
#include "messages/type_ids.hpp"
#include "store/key_codec.hpp"
#include "store/lmdb_store.hpp"
#include "tests/store/sample_data.hpp"
#include "tests/store/store_fixture.hpp"

using namespace m365;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { register_message_types(*this); }
};

std::shared_ptr<lmdb_store> open_store(const std::string& path, size_t map_size = 64 << 20) {
  store_options options;
  options.path = path;
  options.initial_map_size = map_size;
  auto store = lmdb_store::open(options);
  REQUIRE(store.has_value());
  return std::shared_ptr<lmdb_store>(std::move(store).value());
}

bool is_store_error(const caf::error& err, store_errc code) {
  return err.category() == caf::atom("store") && err.code() == static_cast<uint8_t>(code);
}

using commit_handle = decltype(std::declval<caf::scoped_actor&>()->request(
  std::declval<persistence_actor>(), caf::infinite, commit_atom_v, std::declval<email_page>()));

} // namespace

TEST_CASE("pages that queue up are committed together and each is acknowledged once",
          "[actors][persistence]") {
  test::temp_directory dir;
  // A 1 MiB map that the first page overflows: its commit must grow the map, which waits for
  // every open read transaction. The test sends the other pages from inside a read (a scan),
  // so they are all queued before that first commit can finish: batching is deterministic.
  auto store = open_store(dir.path(), size_t{1} << 20);
  auto seed_page = sample::make_email_page("contoso", "u-0", "inbox", 0, 0, 1);
  {
    write_batch batch;
    batch.add(seed_page);
    REQUIRE(store->commit(batch).has_value());
  }
  test_config cfg;
  caf::actor_system sys{cfg};
  auto writer = spawn_persistence_actor(sys, store);
  caf::scoped_actor self{sys};

  constexpr size_t pages = 50;
  std::vector<email_page> sent;
  sent.push_back(sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 600));  // ~2.4 MB
  for (size_t i = 1; i < pages; ++i)
    sent.push_back(sample::make_email_page(i % 2 ? "contoso" : "fabrikam", "u-" + std::to_string(i % 5),
                                           "inbox", i + 1, i * 10, 3));
  std::vector<commit_handle> handles;
  REQUIRE(store->scan_emails({}, [&](const email&) {
    for (auto& page : sent) handles.push_back(self->request(writer, caf::infinite, commit_atom_v, page));
    return false;
  }));

  size_t acked = 0;
  size_t largest_batch = 0;
  uint64_t upserted = 0;
  for (auto& h : handles) {
    h.receive(
      [&](commit_ack& ack) {
        ++acked;
        largest_batch = std::max<size_t>(largest_batch, ack.batch_pages);
        upserted += ack.upserted;
      },
      [&](caf::error& err) { FAIL("commit failed: " << sys.render(err)); });
  }
  CHECK(acked == pages);
  CHECK(largest_batch > 1);
  CHECK(upserted == 600 + (pages - 1) * 3);
  // Nothing else arrives: no page was acknowledged twice.
  bool extra = false;
  self->receive([&](caf::message&) { extra = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK_FALSE(extra);
  CHECK(store->stats().map_growths > 0);
  for (auto& page : sent) {
    CHECK(store->get_link(page.link.tenant, page.link.user, "inbox").has_value());
    for (auto& item : page.items)
      REQUIRE(store->get_email(page.link.tenant, page.link.user, item.graph_id).has_value());
  }
  self->send_exit(writer, caf::exit_reason::user_shutdown);
}

TEST_CASE("flush answers after every page sent before it has committed",
          "[actors][persistence]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  test_config cfg;
  caf::actor_system sys{cfg};
  auto writer = spawn_persistence_actor(sys, store);
  caf::scoped_actor self{sys};

  std::vector<email_page> sent;
  for (size_t i = 0; i < 20; ++i)
    sent.push_back(sample::make_email_page("contoso", "u-1", "f" + std::to_string(i), i, 0, 5));
  for (auto& page : sent) self->send(writer, commit_atom_v, page);
  bool flushed = false;
  self->request(writer, caf::infinite, flush_atom_v)
    .receive([&](commit_ack&) { flushed = true; },
             [&](caf::error& err) { FAIL("flush failed: " << sys.render(err)); });
  REQUIRE(flushed);
  // Everything sent before the flush is in the store now.
  for (auto& page : sent)
    CHECK(store->get_link("contoso", "u-1", page.link.folder).has_value());
  CHECK(store->stats().emails == 100);
  // The acks of the plain sends come back as ordinary messages, one per page.
  size_t acks = 0;
  self->receive_for(acks, sent.size())([](commit_ack&) {});
  CHECK(acks == sent.size());

  // With nothing pending a flush answers at once.
  self->request(writer, caf::infinite, flush_atom_v)
    .receive([&](commit_ack& ack) { CHECK(ack.batch_pages == 0); },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  self->send_exit(writer, caf::exit_reason::user_shutdown);
}

TEST_CASE("an invalid page is refused to its sender without failing the others",
          "[actors][persistence]") {
  test::temp_directory dir;
  auto store = open_store(dir.path());
  test_config cfg;
  caf::actor_system sys{cfg};
  auto writer = spawn_persistence_actor(sys, store);
  caf::scoped_actor self{sys};
  auto good = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 2);
  auto bad = sample::make_email_page("contoso", "u-1", "sentitems", 1, 0, 2);
  bad.link.tenant = "Not A Tenant";
  auto h1 = self->request(writer, caf::infinite, commit_atom_v, good);
  auto h2 = self->request(writer, caf::infinite, commit_atom_v, bad);
  h1.receive([](commit_ack& ack) { CHECK(ack.upserted == 2); },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  bool refused = false;
  h2.receive([](commit_ack&) { FAIL("an invalid page was acknowledged"); },
             [&](caf::error& err) {
               refused = true;
               CHECK(is_store_error(err, store_errc::invalid_record));
               CHECK_THAT(sys.render(err), Catch::Contains("invalid tenant id"));
             });
  CHECK(refused);
  CHECK(store->stats().emails == 2);
  self->send_exit(writer, caf::exit_reason::user_shutdown);
}

TEST_CASE("a fatal store error reaches the sender and stops the actor with that error",
          "[actors][persistence]") {
  test::temp_directory dir;
  auto page = sample::make_email_page("contoso", "u-1", "inbox", 1, 0, 2);
  {
    auto store = open_store(dir.path());
    write_batch batch;
    batch.add(page);
    REQUIRE(store->commit(batch).has_value());
  }
  test::raw_put(dir.path(), "emails", keys::record_key("contoso", "u-1", page.items[0].graph_id),
                std::string("\x01\x05", 2));
  auto store = open_store(dir.path());
  test_config cfg;
  caf::actor_system sys{cfg};
  auto writer = spawn_persistence_actor(sys, store);
  caf::scoped_actor self{sys};
  self->monitor(writer);
  bool failed = false;
  self->request(writer, caf::infinite, commit_atom_v, page)
    .receive([](commit_ack&) { FAIL("a page over a corrupted record was acknowledged"); },
             [&](caf::error& err) {
               failed = true;
               CHECK(is_store_error(err, store_errc::corrupted));
             });
  CHECK(failed);
  bool down = false;
  self->receive([&](caf::down_msg& msg) {
    down = true;
    CHECK(is_store_error(msg.reason, store_errc::corrupted));
  });
  CHECK(down);
  CHECK(store->health().code() == status_code::corrupted);
}
