// A CAF actor system whose actors run only when the test says so, with a clock that moves only
// when the test moves it: CAF 0.17.6's test coordinator (scheduler policy "testing"). Catch2
// tests use this instead of caf/test/dsl.hpp, which needs CAF's own unit-test framework (its
// main, CAF_CHECK, CAF_FAIL). Threading: everything runs on the test's thread, inside run() and
// advance(); nothing here is thread-safe and nothing needs to be.
//
// Time: the actor clock (`self->clock()` in an actor) starts one hour after its epoch and moves
// only in advance(d): every timeout and delayed message due in (now, now + d] is delivered at
// now + d, then every actor runs until none has a message left. Delayed messages can be looked
// at before they fire (next_delay), so a test can step to just before and just after one.
//
// Requests: request<T>(dest, args...) sends from a short-lived probe actor with no timeout
// (nothing is added to the clock) and returns where the answer will land; ask<T> also runs
// until idle and returns the answer. The blocking scoped_actor does not work here: nothing
// would run the actor it waits for.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include <caf/all.hpp>
#include <caf/detail/test_actor_clock.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "messages/type_ids.hpp"

namespace m365::test {

/// What a request got back, once run() delivered it: a value or an error.
template <class T>
struct reply {
  std::optional<T> value;
  caf::error error;

  bool answered() const { return value.has_value() || static_cast<bool>(error); }
};

class deterministic_system {
public:
  using clock_type = caf::detail::test_actor_clock;
  using time_point = clock_type::time_point;

  deterministic_system()
    : sys_(cfg_), sched_(dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler())) {
    // Nothing runs the actors once a test has ended: waiting for them would never return.
    // Fixtures stop what they started (and run()) before the system goes.
    sys_.await_actors_before_shutdown(false);
    sched_.clock().current_time += std::chrono::hours{1};  // time point zero is not special
  }

  deterministic_system(const deterministic_system&) = delete;
  deterministic_system& operator=(const deterministic_system&) = delete;

  ~deterministic_system() { run(); }

  caf::actor_system& sys() noexcept { return sys_; }

  // -- running ---------------------------------------------------------------------------------

  /// Runs actors until none has a message left; time does not move. Returns messages handled.
  size_t run() { return sched_.run(); }

  /// Moves the clock by `d`, delivers what fell due, then run(). Returns timeouts delivered.
  size_t advance(caf::timespan d) {
    auto fired = sched_.clock().advance_time(d);
    run();
    return fired;
  }

  time_point now() const { return sched_.clock().current_time; }

  // -- delayed messages ------------------------------------------------------------------------

  /// Time from now until the earliest delayed message to `receiver` whose first element is the
  /// atom `first` (e.g. a `delayed_send(self, d, tick_atom_v)`); nullopt when none is pending.
  template <class Handle>
  std::optional<caf::timespan> next_delay(const Handle& receiver, caf::atom_value first) const {
    using caf::detail::simple_actor_clock;
    auto whom = caf::actor_cast<caf::strong_actor_ptr>(receiver);
    for (auto& [due, event] : sched_.clock().schedule()) {  // ordered by due time
      if (event->subtype != simple_actor_clock::actor_msg_type)
        continue;
      auto& msg = static_cast<const simple_actor_clock::actor_msg&>(*event);
      const auto& content = msg.content->content();
      if (msg.receiver == whom && content.size() > 0 && content.match_element<caf::atom_value>(0)
          && content.get_as<caf::atom_value>(0) == first)
        return std::chrono::duration_cast<caf::timespan>(due - now());
    }
    return std::nullopt;
  }

  // -- talking to actors -----------------------------------------------------------------------

  /// Sends `xs...` to `dest` without a sender; it is handled at the next run().
  template <class Handle, class... Ts>
  void send(const Handle& dest, Ts&&... xs) {
    caf::anon_send(dest, std::forward<Ts>(xs)...);
  }

  /// Sends a request to `dest`; the answer lands in the result at a later run().
  template <class T, class Handle, class... Ts>
  std::shared_ptr<reply<T>> request(const Handle& dest, Ts... xs) {
    auto out = std::make_shared<reply<T>>();
    // Spawn arguments, not lambda captures: CAF 0.17.6 dereferences a null argument tuple when
    // a function-based actor is spawned without arguments (UBSan reports it).
    auto probe = [](caf::event_based_actor* self, std::shared_ptr<reply<T>> into, Handle to,
                    std::tuple<Ts...> args) {
      std::apply(
        [&](auto&... a) {
          self->request(to, caf::infinite, std::move(a)...)
            .then([into](T& value) { into->value = std::move(value); },
                  [into](caf::error& err) { into->error = std::move(err); });
        },
        args);
    };
    sys_.spawn(probe, out, dest, std::make_tuple(std::move(xs)...));
    return out;
  }

  /// request<T>, then run(): the answer, or an unanswered reply when none came.
  template <class T, class Handle, class... Ts>
  reply<T> ask(const Handle& dest, Ts... xs) {
    auto out = request<T>(dest, std::move(xs)...);
    run();
    return *out;
  }

private:
  struct config : caf::actor_system_config {
    config() {
      register_message_types(*this);
      set("scheduler.policy", caf::atom("testing"));
    }
  };

  config cfg_;
  caf::actor_system sys_;
  caf::scheduler::test_coordinator& sched_;
};

} // namespace m365::test
