#include "actors/token_actor.hpp"

#include <chrono>
#include <vector>

#include <caf/all.hpp>

#include "actors/backoff.hpp"
#include "actors/clock.hpp"

namespace m365 {

namespace {

using token_private = token_actor::extend<
  caf::reacts_to<fetched_atom, access_token>,
  caf::reacts_to<failed_atom, caf::error>,
  caf::reacts_to<tick_atom>>;

struct token_cache_state {
  tenant_id tenant;
  std::shared_ptr<graph_port> port;
  engine_tuning tuning;
  access_token cached;
  timestamp_ms cached_at = 0;  ///< when `cached` arrived
  bool fetching = false;
  caf::error parked;  ///< set while the credential is refused
  std::unique_ptr<backoff> parked_backoff;
  std::vector<caf::typed_response_promise<access_token>> waiting;
  static inline const char* name = "token_actor";
};

bool is_credential_error(const caf::error& e) {
  return e.category() == caf::atom("token")
         && static_cast<token_errc>(e.code()) != token_errc::endpoint_error;
}

token_private::behavior_type token_impl(token_private::stateful_pointer<token_cache_state> self,
                                        tenant_id tenant, std::shared_ptr<graph_port> port,
                                        engine_tuning tuning) {
  auto& st = self->state;
  st.tenant = std::move(tenant);
  st.port = std::move(port);
  st.tuning = tuning;
  st.parked_backoff =
    std::make_unique<backoff>(tuning.token_parked_retry, std::chrono::minutes{15});

  // Refresh ahead of expiry by refresh_ahead, or by half the lifetime for short-lived tokens.
  auto margin = [self] {
    auto& s = self->state;
    return std::min<int64_t>(s.tuning.token_refresh_ahead.count(),
                             (s.cached.expires_at - s.cached_at) / 2);
  };
  auto fresh = [self, margin] {
    auto& s = self->state;
    return !s.cached.value.empty() && s.cached.expires_at - now_ms() > margin();
  };
  auto start_fetch = [self] {
    auto& s = self->state;
    if (s.fetching)
      return;
    s.fetching = true;
    auto handle = caf::actor_cast<token_private>(self);
    s.port->request_token([handle](caf::expected<access_token> result) {
      if (result)
        caf::anon_send(handle, fetched_atom_v, std::move(*result));
      else
        caf::anon_send(handle, failed_atom_v, std::move(result.error()));
    });
  };

  return {
    [=](token_atom, const std::string& rejected) -> caf::result<access_token> {
      auto& s = self->state;
      if (!rejected.empty() && rejected == s.cached.value)
        s.cached = access_token{};  // Graph refused it: one forced refresh
      if (fresh())
        return s.cached;
      if (s.parked)
        return s.parked;
      auto rp = self->make_response_promise<access_token>();
      s.waiting.push_back(rp);
      start_fetch();
      return rp;
    },
    [=](status_atom) {
      auto& s = self->state;
      token_status out;
      if (s.parked)
        out.state = token_state::parked;
      else if (s.fetching)
        out.state = token_state::fetching;
      else
        out.state = s.cached.value.empty() ? token_state::empty : token_state::cached;
      if (s.parked)
        out.last_error = self->system().render(s.parked);
      out.expires_at = s.cached.expires_at;
      return out;
    },
    [=](fetched_atom, access_token& token) {
      auto& s = self->state;
      s.fetching = false;
      s.parked = caf::error{};
      s.parked_backoff->reset();
      s.cached = std::move(token);
      s.cached.tenant = s.tenant;
      s.cached_at = now_ms();
      for (auto& rp : s.waiting)
        rp.deliver(s.cached);
      s.waiting.clear();
      // Refresh ahead of expiry even when nobody asks, so rounds never wait for a token.
      auto ahead = std::chrono::milliseconds{
        std::max<int64_t>(1000, s.cached.expires_at - now_ms() - margin())};
      self->delayed_send(self, ahead, tick_atom_v);
    },
    [=](failed_atom, caf::error& err) {
      auto& s = self->state;
      s.fetching = false;
      for (auto& rp : s.waiting)
        rp.deliver(err);
      s.waiting.clear();
      if (is_credential_error(err))
        s.parked = err;
      // Parked stays parked (with its credential error) through transient failures of the
      // identity platform, and keeps retrying slowly until a token comes back.
      if (s.parked)
        self->delayed_send(self, s.parked_backoff->next(), tick_atom_v);
    },
    [=](tick_atom) {
      // Proactive refresh, or a slow retry of a parked credential.
      if (!fresh())
        start_fetch();
    },
  };
}

} // namespace

token_actor spawn_token_actor(caf::actor_system& sys, tenant_id tenant,
                              std::shared_ptr<graph_port> port, engine_tuning tuning) {
  return caf::actor_cast<token_actor>(
    sys.spawn(token_impl, std::move(tenant), std::move(port), tuning));
}

token_actor spawn_linked_token_actor(caf::local_actor* parent, tenant_id tenant,
                                     std::shared_ptr<graph_port> port, engine_tuning tuning) {
  return caf::actor_cast<token_actor>(
    parent->spawn<caf::linked>(token_impl, std::move(tenant), std::move(port), tuning));
}

} // namespace m365
