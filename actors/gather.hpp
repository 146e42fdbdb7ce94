// Ownership: header-only; used inside actor behaviors. Threading: runs in the calling actor.
// Fan-out/fan-in: ask many actors the same question and fold their answers, once all answered
// (a failed or timed-out answer counts as answered and is folded with `on_error`).
#pragma once

#include <memory>
#include <vector>

#include <caf/all.hpp>

namespace m365 {

template <class Reply, class Self, class Handle, class Timeout, class Acc, class Merge,
          class OnError, class Done, class... Ts>
void gather(Self* self, const std::vector<Handle>& targets, Timeout timeout, Acc init,
            Merge merge, OnError on_error, Done done, const Ts&... msg) {
  struct fold {
    Acc acc;
    size_t pending;
    Done done;
  };
  auto state = std::make_shared<fold>(fold{std::move(init), targets.size(), std::move(done)});
  if (targets.empty()) {
    state->done(state->acc);
    return;
  }
  auto finish_one = [state] {
    if (--state->pending == 0)
      state->done(state->acc);
  };
  for (auto& target : targets)
    self->request(target, timeout, msg...)
      .then([state, merge, finish_one](Reply& reply) mutable {
              merge(state->acc, reply);
              finish_one();
            },
            [state, on_error, finish_one](caf::error& err) mutable {
              on_error(state->acc, err);
              finish_one();
            });
}

} // namespace m365
