#include "actors/tenant_supervisor.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/gather.hpp"
#include "actors/restart_tracker.hpp"

namespace m365 {

namespace {

using tenant_private = tenant_actor::extend<
  caf::reacts_to<restart_atom, user_id, uint8_t>>;

/// The two stream actors of one user, each with its own restart bookkeeping.
struct user_children {
  user_assignment user;
  stream_actor mail;
  stream_actor calendar;
  restart_tracker mail_restarts;
  restart_tracker calendar_restarts;

  stream_actor& child(stream_kind k) { return k == stream_kind::mail ? mail : calendar; }
  restart_tracker& restarts(stream_kind k) {
    return k == stream_kind::mail ? mail_restarts : calendar_restarts;
  }
};

struct tenant_state {
  tenant_context ctx;
  std::shared_ptr<graph_port> port;
  token_actor tokens;
  std::map<user_id, user_children> users;
  caf::error parked;   ///< why the tenant could not start
  uint32_t restarts = 0;
  /// Sync requests not answered yet; answered with an error if the tenant stops first.
  std::vector<std::shared_ptr<caf::typed_response_promise<round_report>>> syncs;
  /// Children stopped on purpose whose exit message may still be queued.
  std::set<caf::actor_addr> retired;
  static inline const char* name = "tenant_supervisor";

  spdlog::logger& log() { return *ctx.log; }
};

using self_ptr = tenant_private::stateful_pointer<tenant_state>;

stream_actor spawn_stream(self_ptr self, user_children& children, stream_kind kind) {
  auto& st = self->state;
  const auto& user = children.user;
  children.restarts(kind).started(restart_tracker::clock::now());
  stream_context sc;
  sc.tenant = st.ctx.settings;
  sc.user = user;
  sc.port = st.port;
  sc.tokens = st.tokens;
  sc.persistence = st.ctx.persistence;
  sc.filter = st.ctx.filter;
  sc.load_link = st.ctx.load_link;
  sc.log = st.ctx.log;
  sc.sync_at_start = st.ctx.sync_at_start;
  sc.retry_base = st.ctx.retry_base;
  return spawn_linked_stream_actor(self, kind, std::move(sc));
}

void add_user(self_ptr self, const user_assignment& user) {
  auto& st = self->state;
  auto tracker = [&] {
    return restart_tracker{st.ctx.restart_base, st.ctx.restart_cap, st.ctx.restart_healthy_after};
  };
  auto [i, _] = st.users.emplace(user.user, user_children{user, {}, {}, tracker(), tracker()});
  auto& entry = i->second;
  entry.mail = spawn_stream(self, entry, stream_kind::mail);
  entry.calendar = spawn_stream(self, entry, stream_kind::calendar);
}

void stop_user(self_ptr self, const user_id& user) {
  auto& st = self->state;
  auto i = st.users.find(user);
  if (i == st.users.end())
    return;
  // Erase first: their exit messages then count as expected and are not restarted.
  auto children = std::move(i->second);
  st.users.erase(i);
  for (auto* child : {&children.mail, &children.calendar})
    if (*child) {
      st.retired.insert(child->address());
      self->unlink_from(*child);
      self->send_exit(*child, caf::exit_reason::user_shutdown);
    }
}

std::vector<stream_actor> all_streams(const tenant_state& st) {
  std::vector<stream_actor> out;
  for (auto& [id, children] : st.users) {
    if (children.mail)
      out.push_back(children.mail);
    if (children.calendar)
      out.push_back(children.calendar);
  }
  return out;
}

/// The tenant stops: answer every waiting sync request, then quit.
void stop_tenant(self_ptr self, caf::error reason) {
  auto& st = self->state;
  for (auto& rp : st.syncs)
    if (rp->pending())
      rp->deliver(caf::make_error(sync_errc::shutting_down, st.ctx.settings.id));
  st.syncs.clear();
  self->quit(std::move(reason));
}

void on_child_exit(self_ptr self, caf::exit_msg& msg) {
  auto& st = self->state;
  if (st.retired.erase(msg.source) > 0)
    return;  // a child we stopped on purpose
  if (st.tokens && msg.source == st.tokens.address()) {
    // Every stream depends on it: let the org restart the whole tenant.
    stop_tenant(self, msg.reason);
    return;
  }
  for (auto& [id, children] : st.users) {
    for (auto kind : {stream_kind::mail, stream_kind::calendar}) {
      auto& child = children.child(kind);
      if (!child || msg.source != child.address())
        continue;
      child = stream_actor{};
      ++st.restarts;
      auto delay = children.restarts(kind).failed(restart_tracker::clock::now());
      st.log().warn("user {}: {} actor failed ({}), restart in {} ms", id,
                    kind == stream_kind::mail ? "mailbox" : "calendar",
                    self->system().render(msg.reason), delay.count());
      self->delayed_send(self, delay, restart_atom_v, id, static_cast<uint8_t>(kind));
      return;
    }
  }
  // Not a child: our parent (or someone entitled to) stops us; linked children follow.
  stop_tenant(self, msg.reason);
}

tenant_private::behavior_type tenant_impl(self_ptr self, tenant_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  if (!st.ctx.log) {
    st.ctx.log = spdlog::default_logger()->clone("tenant:" + st.ctx.settings.id);
  }
  self->set_exit_handler([self](caf::exit_msg& msg) { on_child_exit(self, msg); });
  auto port = st.ctx.ports ? st.ctx.ports->make_port(st.ctx.settings, st.ctx.log)
                           : caf::expected<std::shared_ptr<graph_port>>{
                               caf::make_error(sync_errc::tenant_parked, "no graph port factory")};
  if (!port) {
    st.parked = port.error();
    st.log().error("tenant parked: {}", self->system().render(st.parked));
  } else {
    st.port = std::move(*port);
    // However the tenant ends, its queued requests die with it.
    self->attach_functor([port = st.port](const caf::error&) { port->stop(); });
    st.tokens = spawn_linked_token_actor(self, st.ctx.settings.id, st.port, st.ctx.tokens);
    for (auto& user : st.ctx.users)
      add_user(self, user);
    st.log().info("tenant started with {} user(s)", st.users.size());
  }
  return {
    [=](sync_atom) {
      auto& st = self->state;
      auto rp = self->make_response_promise<round_report>();
      round_report init;
      init.tenant = st.ctx.settings.id;
      if (st.parked) {
        init.errors.push_back("tenant parked: " + self->system().render(st.parked));
        rp.deliver(init);
        return rp;
      }
      auto shared = std::make_shared<caf::typed_response_promise<round_report>>(rp);
      st.syncs.erase(std::remove_if(st.syncs.begin(), st.syncs.end(),
                                    [](auto& p) { return !p->pending(); }),
                     st.syncs.end());
      st.syncs.push_back(shared);
      gather<round_report>(
        self, all_streams(st), caf::infinite, init,
        [](round_report& acc, round_report& r) { merge_into(acc, r); },
        [self](round_report& acc, caf::error& err) {
          acc.errors.push_back(self->system().render(err));
        },
        [shared](round_report& acc) {
          acc.failed_mailboxes = std::min(acc.failed_mailboxes, acc.mailboxes);
          if (shared->pending())
            shared->deliver(acc);
        },
        sync_atom_v);
      return rp;
    },
    [=](status_atom) {
      auto& st = self->state;
      auto rp = self->make_response_promise<tenant_status>();
      tenant_status init;
      init.tenant = st.ctx.settings.id;
      init.state = st.parked ? "parked" : "running";
      init.restarts = st.restarts;
      if (st.parked) {
        init.last_error = self->system().render(st.parked);
        rp.deliver(init);
        return rp;
      }
      auto streams = all_streams(st);
      auto tokens = st.tokens;
      gather<mailbox_status>(
        self, streams, std::chrono::seconds{10}, init,
        [](tenant_status& acc, mailbox_status& m) { acc.mailboxes.push_back(std::move(m)); },
        [](tenant_status&, caf::error&) {},
        [self, rp, tokens](tenant_status& acc) mutable {
          self->request(tokens, std::chrono::seconds{10}, status_atom_v)
            .then(
              [rp, acc](const tenant_status& token_view) mutable {
                if (token_view.state == "parked") {
                  acc.state = "parked";
                  acc.last_error = token_view.last_error;
                }
                acc.token_expires_at = token_view.token_expires_at;
                rp.deliver(acc);
              },
              [rp, acc](caf::error&) mutable { rp.deliver(acc); });
        },
        status_atom_v);
      return rp;
    },
    [=](assign_atom, const user_assignment& user) {
      auto& st = self->state;
      if (st.parked)
        return;
      auto i = st.users.find(user.user);
      if (i != st.users.end() && i->second.user.mailbox == user.mailbox)
        return;  // unchanged
      stop_user(self, user.user);
      add_user(self, user);
    },
    [=](unassign_atom, const user_id& user) { stop_user(self, user); },
    [=](crash_atom, const user_id& user) {
      auto i = self->state.users.find(user);
      if (i != self->state.users.end() && i->second.mail)
        self->send(i->second.mail, crash_atom_v);
    },
    [=](restart_atom, const user_id& user, uint8_t kind) {
      auto& st = self->state;
      auto i = st.users.find(user);
      if (i == st.users.end())
        return;  // unassigned meanwhile
      auto k = static_cast<stream_kind>(kind);
      if (!i->second.child(k))
        i->second.child(k) = spawn_stream(self, i->second, k);
    },
  };
}

} // namespace

tenant_actor spawn_tenant_supervisor(caf::actor_system& sys, tenant_context context) {
  return caf::actor_cast<tenant_actor>(sys.spawn(tenant_impl, std::move(context)));
}

} // namespace m365
