// The single LMDB writer with group commit; see persistence_actor.hpp for the behaviour.
//
// Batch state machine:
//
//   idle --page--> open (trigger(id) sent to self) --page--> open
//     ^              |  \--limit reached--> commit --> idle (the trigger of id is ignored)
//     |              '--trigger(id)--> commit
//     '------------------------------------'        commit failed fatally --> quit(error)
#include "actors/persistence_actor.hpp"

#include <utility>
#include <variant>
#include <vector>

#include <caf/all.hpp>

#include "messages/errors.hpp"
#include "store/lmdb_store.hpp"

namespace m365 {

namespace {

/// The public interface plus the trigger the actor sends itself to close a batch.
using persistence_impl = persistence_actor::extend<caf::reacts_to<group_commit_atom, uint64_t>>;

struct pending_page {
  std::variant<email_page, event_page> page;
  caf::typed_response_promise<commit_ack> promise;
};

struct persistence_state {
  std::shared_ptr<lmdb_store> store;
  persistence_options options;
  std::vector<pending_page> batch;                                ///< the open batch
  std::vector<caf::typed_response_promise<commit_ack>> flushes;  ///< answered after it commits
  size_t batch_items = 0;
  uint64_t batch_id = 0;  ///< id of the open (or last) batch; its trigger carries it
  bool open = false;

  static inline const char* name = "persistence";
};

using self_pointer = persistence_impl::stateful_pointer<persistence_state>;

caf::error to_error(const status& s) {
  return caf::make_error(to_store_errc(s.code()), s.message());
}

size_t items_of(const std::variant<email_page, event_page>& page) {
  return std::visit([](auto& p) { return p.items.size() + p.removed_ids.size(); }, page);
}

void add_to(write_batch& batch, const std::variant<email_page, event_page>& page) {
  std::visit([&](auto& p) { batch.add(p); }, page);
}

/// Answers every pending promise with `err` and stops the actor with it.
void fail_fatally(self_pointer self, std::vector<pending_page>& pages, size_t from,
                  std::vector<caf::typed_response_promise<commit_ack>>& flushes,
                  const status& fatal) {
  auto err = to_error(fatal);
  for (size_t i = from; i < pages.size(); ++i) pages[i].promise.deliver(err);
  for (auto& f : flushes) f.deliver(err);
  for (auto& p : self->state.batch) p.promise.deliver(err);
  for (auto& f : self->state.flushes) f.deliver(err);
  self->state.batch.clear();
  self->state.flushes.clear();
  self->quit(err);
}

/// Commits the open batch in one transaction and answers its promises.
void commit_batch(self_pointer self) {
  auto& st = self->state;
  st.open = false;
  auto pages = std::move(st.batch);
  auto flushes = std::move(st.flushes);
  st.batch.clear();
  st.flushes.clear();
  st.batch_items = 0;
  commit_ack summary;
  summary.batch_pages = pages.size();
  if (!pages.empty()) {
    write_batch batch;
    for (auto& p : pages) add_to(batch, p.page);
    auto acks = st.store->commit(batch);
    if (acks) {
      for (size_t i = 0; i < pages.size(); ++i) {
        auto& ack = (*acks)[i];
        summary.upserted += ack.upserted;
        summary.removed += ack.removed;
        summary.duplicates += ack.duplicates;
        summary.swept += ack.swept;
        pages[i].promise.deliver(ack);
      }
    } else if (auto health = st.store->health(); !health) {
      fail_fatally(self, pages, 0, flushes, health);
      return;
    } else if (pages.size() == 1) {
      pages.front().promise.deliver(to_error(acks.error()));
    } else {
      // A transient failure of the batch (e.g. the map cannot grow further): retry each page
      // alone so the pages that fit are stored and only the failing ones report the error.
      summary.batch_pages = 1;
      for (size_t i = 0; i < pages.size(); ++i) {
        write_batch one;
        add_to(one, pages[i].page);
        auto single = st.store->commit(one);
        if (single) {
          pages[i].promise.deliver(single->front());
          continue;
        }
        if (auto h = st.store->health(); !h) {
          fail_fatally(self, pages, i, flushes, h);
          return;
        }
        pages[i].promise.deliver(to_error(single.error()));
      }
    }
  }
  for (auto& f : flushes) f.deliver(summary);
}

/// A rule-set change: after the open batch (everything received before it), in its own
/// transaction. Configuration writes are rare and small; they share the single writer so that
/// no other thread ever waits on the store's write lock.
caf::typed_response_promise<commit_ack> change_rules(self_pointer self, const rule_change& change) {
  auto promise = self->make_response_promise<commit_ack>();
  auto& st = self->state;
  if (st.open) {
    commit_batch(self);
    if (auto health = st.store->health(); !health) {
      promise.deliver(to_error(health));  // the batch failed fatally: the actor is quitting
      return promise;
    }
  }
  if (auto s = st.store->change_rules(change); !s) {
    if (auto health = st.store->health(); !health) {
      std::vector<pending_page> none;
      std::vector<caf::typed_response_promise<commit_ack>> no_flushes;
      promise.deliver(to_error(health));
      fail_fatally(self, none, 0, no_flushes, health);
      return promise;
    }
    // Not found or invalid: the change's own fault, told apart from the store's.
    if (s.code() == status_code::not_found)
      promise.deliver(caf::make_error(config_errc::unknown_reference, s.message()));
    else if (s.code() == status_code::invalid_argument)
      promise.deliver(caf::make_error(config_errc::invalid_value, s.message()));
    else
      promise.deliver(to_error(s));
    return promise;
  }
  commit_ack ack;
  ack.removed = change.purge.size();
  promise.deliver(ack);
  return promise;
}

template <class Page>
caf::typed_response_promise<commit_ack> enqueue(self_pointer self, Page& page) {
  auto promise = self->make_response_promise<commit_ack>();
  if (auto s = lmdb_store::validate_page(page); !s) {
    promise.deliver(to_error(s));
    return promise;
  }
  auto& st = self->state;
  if (!st.open) {
    st.open = true;
    ++st.batch_id;
    // Queued behind everything already in the mailbox: those pages join this batch.
    self->send(self, group_commit_atom_v, st.batch_id);
  }
  st.batch.push_back(pending_page{std::move(page), promise});
  st.batch_items += items_of(st.batch.back().page);
  if (st.batch.size() >= st.options.max_batch_pages ||
      st.batch_items >= st.options.max_batch_items)
    commit_batch(self);
  return promise;
}

persistence_impl::behavior_type persistence_behavior(self_pointer self,
                                                     std::shared_ptr<lmdb_store> store,
                                                     persistence_options options) {
  self->state.store = std::move(store);
  self->state.options = options;
  if (self->state.options.max_batch_pages == 0) self->state.options.max_batch_pages = 1;
  if (self->state.options.max_batch_items == 0) self->state.options.max_batch_items = 1;
  // Linked to a supervisor: commit what is pending before going down, then go down (a custom
  // exit handler must quit itself, or user_shutdown would be swallowed).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (self->state.open) commit_batch(self);
    self->quit(msg.reason);
  });
  return {
    [self](commit_atom, email_page& page) { return enqueue(self, page); },
    [self](commit_atom, event_page& page) { return enqueue(self, page); },
    [self](flush_atom) {
      auto promise = self->make_response_promise<commit_ack>();
      if (self->state.open) {
        self->state.flushes.push_back(promise);
      } else {
        commit_ack nothing;
        nothing.batch_pages = 0;
        promise.deliver(nothing);
      }
      return promise;
    },
    [self](rules_atom, const rule_change& change) { return change_rules(self, change); },
    [self](group_commit_atom, uint64_t id) {
      // A batch closed early by a limit leaves its trigger behind: ignore it.
      if (self->state.open && id == self->state.batch_id) commit_batch(self);
    },
  };
}

} // namespace

persistence_actor spawn_persistence_actor(caf::actor_system& sys,
                                          std::shared_ptr<lmdb_store> store,
                                          persistence_options options) {
  auto impl = sys.spawn<caf::detached>(persistence_behavior, std::move(store), options);
  return caf::actor_cast<persistence_actor>(impl);
}

} // namespace m365
