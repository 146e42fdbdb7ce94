#include "actors/tenant_supervisor.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/calendar_actor.hpp"
#include "actors/fault_injection.hpp"
#include "actors/gather.hpp"
#include "actors/mailbox_actor.hpp"
#include "actors/restart_tracker.hpp"
#include "actors/token_actor.hpp"

namespace m365 {

namespace {

using tenant_private = tenant_with_fault_injection::extend<
  caf::reacts_to<restart_atom, user_id, stream_kind>>;

/// One stream actor of a user and its restart bookkeeping.
struct child_slot {
  stream_actor handle;           ///< null while a restart is pending
  restart_tracker restarts;
  std::string last_failure;      ///< why it last failed; shown while it waits for its restart
};

/// The two stream actors of one user.
struct user_children {
  user_assignment user;
  child_slot mail;
  child_slot calendar;

  child_slot& slot(stream_kind k) { return k == stream_kind::mail ? mail : calendar; }
};

struct supervisor_state {
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

using self_ptr = tenant_private::stateful_pointer<supervisor_state>;

stream_actor spawn_stream(self_ptr self, user_children& children, stream_kind kind) {
  auto& st = self->state;
  children.slot(kind).restarts.started(self->clock().now());
  stream_context sc;
  sc.tenant = st.ctx.settings;
  sc.user = children.user;
  sc.port = st.port;
  sc.tokens = st.tokens;
  sc.persistence = st.ctx.persistence;
  sc.rules = st.ctx.rules;
  sc.load_link = st.ctx.load_link;
  sc.log = st.ctx.log;
  sc.tuning = st.ctx.tuning;
  if (kind == stream_kind::mail)
    return spawn_mailbox_actor(self, std::move(sc));
  return spawn_calendar_actor(self, std::move(sc));
}

void add_user(self_ptr self, const user_assignment& user) {
  auto& st = self->state;
  auto slot = [&] {
    const auto& t = st.ctx.tuning;
    return child_slot{{}, restart_tracker{t.restart_base, t.restart_cap, t.restart_healthy_after},
                      {}};
  };
  auto [i, _] = st.users.emplace(user.user, user_children{user, slot(), slot()});
  auto& entry = i->second;
  for (auto kind : {stream_kind::mail, stream_kind::calendar})
    entry.slot(kind).handle = spawn_stream(self, entry, kind);
}

void stop_user(self_ptr self, const user_id& user) {
  auto& st = self->state;
  auto i = st.users.find(user);
  if (i == st.users.end())
    return;
  // Erase first: their exit messages then count as expected and are not restarted.
  auto children = std::move(i->second);
  st.users.erase(i);
  for (auto* slot : {&children.mail, &children.calendar})
    if (slot->handle) {
      st.retired.insert(slot->handle.address());
      self->unlink_from(slot->handle);
      self->send_exit(slot->handle, caf::exit_reason::user_shutdown);
    }
}

std::vector<stream_actor> live_streams(const supervisor_state& st) {
  std::vector<stream_actor> out;
  for (auto& [id, children] : st.users)
    for (auto* slot : {&children.mail, &children.calendar})
      if (slot->handle)
        out.push_back(slot->handle);
  return out;
}

/// Stream actors waiting for their restart: `backoff`, with the failure that stopped them.
std::vector<mailbox_status> restarting_streams(supervisor_state& st) {
  std::vector<mailbox_status> out;
  for (auto& [id, children] : st.users)
    for (auto kind : {stream_kind::mail, stream_kind::calendar}) {
      auto& slot = children.slot(kind);
      if (slot.handle)
        continue;
      mailbox_status m;
      m.user = id;
      m.mailbox = children.user.mailbox;
      m.kind = kind;
      m.state = mailbox_state::backoff;
      m.last_error = slot.last_failure;
      out.push_back(std::move(m));
    }
  return out;
}

/// The tenant's own state from its parts (see the header).
tenant_state derive_state(const tenant_status& s, bool token_parked) {
  if (token_parked)
    return tenant_state::parked;
  for (auto& m : s.mailboxes)
    if (m.state == mailbox_state::parked || m.state == mailbox_state::backoff)
      return tenant_state::degraded;
  return tenant_state::running;
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
      auto& slot = children.slot(kind);
      if (!slot.handle || msg.source != slot.handle.address())
        continue;
      slot.handle = stream_actor{};
      slot.last_failure = self->system().render(msg.reason);
      ++st.restarts;
      auto delay = slot.restarts.failed(self->clock().now());
      st.log().warn("user {}: {} actor failed ({}), restart in {} ms", id,
                    kind == stream_kind::mail ? "mailbox" : "calendar", slot.last_failure,
                    delay.count());
      self->delayed_send(self, delay, restart_atom_v, id, kind);
      return;
    }
  }
  // Not a child: our parent (or someone entitled to) stops us; linked children follow.
  stop_tenant(self, msg.reason);
}

caf::typed_response_promise<round_report> run_round(self_ptr self) {
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
    self, live_streams(st), caf::infinite, init,
    [](round_report& acc, round_report& r) { merge_into(acc, r); },
    [self](round_report& acc, caf::error& err) {
      acc.errors.push_back(self->system().render(err));
    },
    [shared](round_report& acc) {
      if (shared->pending())
        shared->deliver(acc);
    },
    sync_atom_v);
  return rp;
}

caf::typed_response_promise<tenant_status> report_status(self_ptr self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<tenant_status>();
  tenant_status init;
  init.tenant = st.ctx.settings.id;
  init.restarts = st.restarts;
  if (st.parked) {
    init.state = tenant_state::parked;
    init.last_error = self->system().render(st.parked);
    rp.deliver(init);
    return rp;
  }
  init.mailboxes = restarting_streams(st);
  auto tokens = st.tokens;
  gather<mailbox_status>(
    self, live_streams(st), std::chrono::seconds{10}, init,
    [](tenant_status& acc, mailbox_status& m) { acc.mailboxes.push_back(std::move(m)); },
    [](tenant_status&, caf::error&) {},
    [self, rp, tokens](tenant_status& acc) mutable {
      std::sort(acc.mailboxes.begin(), acc.mailboxes.end(), [](auto& a, auto& b) {
        return std::tie(a.user, a.kind) < std::tie(b.user, b.kind);
      });
      self->request(tokens, std::chrono::seconds{10}, status_atom_v)
        .then(
          [rp, acc](const token_status& token) mutable {
            const bool parked = token.state == token_state::parked;
            acc.state = derive_state(acc, parked);
            if (parked)
              acc.last_error = token.last_error;
            acc.token_expires_at = token.expires_at;
            rp.deliver(acc);
          },
          [rp, acc](caf::error&) mutable {
            acc.state = derive_state(acc, false);
            rp.deliver(acc);
          });
    },
    status_atom_v);
  return rp;
}

tenant_private::behavior_type tenant_impl(self_ptr self, tenant_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  if (!st.ctx.log)
    st.ctx.log = spdlog::default_logger()->clone("tenant:" + st.ctx.settings.id);
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
    st.tokens = spawn_linked_token_actor(self, st.ctx.settings.id, st.port, st.ctx.tuning);
    for (auto& user : st.ctx.users)
      add_user(self, user);
    st.log().info("tenant started with {} user(s)", st.users.size());
  }
  return {
    [=](sync_atom) { return run_round(self); },
    [=](status_atom) { return report_status(self); },
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
      if (i != self->state.users.end() && i->second.mail.handle)
        self->send(caf::actor_cast<stream_with_fault_injection>(i->second.mail.handle),
                   crash_atom_v);
    },
    [=](restart_atom, const user_id& user, stream_kind kind) {
      auto& st = self->state;
      auto i = st.users.find(user);
      if (i == st.users.end())
        return;  // unassigned meanwhile
      auto& slot = i->second.slot(kind);
      if (!slot.handle)
        slot.handle = spawn_stream(self, i->second, kind);
    },
  };
}

} // namespace

tenant_actor spawn_tenant_supervisor(caf::local_actor* parent, tenant_context context) {
  return caf::actor_cast<tenant_actor>(
    parent->spawn<caf::linked>(tenant_impl, std::move(context)));
}

} // namespace m365
