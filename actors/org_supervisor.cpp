#include "actors/org_supervisor.hpp"

#include <map>
#include <optional>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/fault_injection.hpp"
#include "actors/gather.hpp"
#include "actors/restart_tracker.hpp"
#include "actors/tenant_supervisor.hpp"

namespace m365 {

namespace {

using org_private = org_with_fault_injection::extend<caf::reacts_to<restart_atom, tenant_id>>;

struct tenant_entry {
  tenant_settings settings;
  tenant_actor supervisor;       ///< set while running
  bool restart_pending = false;  ///< a restart_atom for this tenant is on its way
  std::string last_error;
  uint32_t restarts = 0;
  std::optional<restart_tracker> restart;  ///< made with the org's settings on first use

  /// What the org reports for a tenant without a supervisor (a live one answers itself).
  tenant_state state() const {
    if (supervisor)
      return tenant_state::running;
    if (!settings.enabled)
      return tenant_state::disabled;
    return restart_pending ? tenant_state::restarting : tenant_state::parked;
  }
};

struct org_state {
  engine_config cfg;
  std::map<tenant_id, tenant_entry> tenants;
  std::map<user_id, user_assignment> users;
  /// Supervisors stopped on purpose whose exit message may still be queued.
  std::set<caf::actor_addr> retired;
  static inline const char* name = "org_supervisor";
};

using self_ptr = org_private::stateful_pointer<org_state>;

std::vector<user_assignment> users_of(const org_state& st, const tenant_id& tenant) {
  std::vector<user_assignment> out;
  for (auto& [id, user] : st.users)
    if (user.tenant == tenant)
      out.push_back(user);
  return out;
}

restart_tracker& restart_of(const org_state& st, tenant_entry& entry) {
  if (!entry.restart)
    entry.restart.emplace(st.cfg.tuning.restart_base, st.cfg.tuning.restart_cap,
                          st.cfg.tuning.restart_healthy_after);
  return *entry.restart;
}

/// An operator's change (new settings, enable, new credential): failures are counted afresh.
void clear_failures(const org_state& st, tenant_entry& entry) {
  restart_of(st, entry).reset();
  entry.last_error.clear();
}

void start_tenant(self_ptr self, tenant_entry& entry) {
  auto& st = self->state;
  tenant_context ctx;
  ctx.settings = entry.settings;
  ctx.users = users_of(st, entry.settings.id);
  ctx.ports = st.cfg.ports;
  ctx.persistence = st.cfg.persistence;
  ctx.rules = st.cfg.rules;
  ctx.load_link = st.cfg.load_link;
  ctx.log = st.cfg.make_logger ? st.cfg.make_logger(entry.settings.id) : nullptr;
  ctx.tuning = st.cfg.tuning;
  entry.restart_pending = false;
  entry.supervisor = spawn_tenant_supervisor(self, std::move(ctx));
  restart_of(st, entry).started(self->clock().now());
}

/// Stops the tenant's supervisor (if any) and cancels a pending restart.
void stop_tenant(self_ptr self, tenant_entry& entry) {
  entry.restart_pending = false;
  if (entry.supervisor) {
    self->state.retired.insert(entry.supervisor.address());
    self->unlink_from(entry.supervisor);
    self->send_exit(entry.supervisor, caf::exit_reason::user_shutdown);
    entry.supervisor = tenant_actor{};
  }
}

tenant_status local_status(const tenant_entry& entry) {
  tenant_status out;
  out.tenant = entry.settings.id;
  out.state = entry.state();
  out.last_error = entry.last_error;
  out.restarts = entry.restarts;
  return out;
}

/// Replies with the tenant's live status when it runs, else with what the org knows.
caf::typed_response_promise<tenant_status> status_of(self_ptr self, const tenant_id& id) {
  auto rp = self->make_response_promise<tenant_status>();
  auto i = self->state.tenants.find(id);
  if (i == self->state.tenants.end()) {
    rp.deliver(caf::make_error(sync_errc::unknown_tenant, id));
    return rp;
  }
  auto local = local_status(i->second);
  if (!i->second.supervisor) {
    rp.deliver(local);
    return rp;
  }
  self->request(i->second.supervisor, std::chrono::seconds{15}, status_atom_v)
    .then(
      [rp, local](tenant_status& live) mutable {
        live.restarts += local.restarts;
        if (live.last_error.empty())
          live.last_error = local.last_error;
        rp.deliver(live);
      },
      [rp, local](caf::error&) mutable { rp.deliver(local); });
  return rp;
}

void on_exit(self_ptr self, caf::exit_msg& msg) {
  auto& st = self->state;
  if (st.retired.erase(msg.source) > 0)
    return;  // a supervisor we replaced or stopped on purpose
  for (auto& [id, entry] : st.tenants) {
    if (!entry.supervisor || msg.source != entry.supervisor.address())
      continue;
    entry.supervisor = tenant_actor{};
    entry.last_error = self->system().render(msg.reason);
    // A tenant that ran healthy for a while before failing starts a new count.
    auto& restart = restart_of(st, entry);
    auto delay = restart.failed(self->clock().now());
    if (restart.failures_in_row() >= st.cfg.tuning.max_tenant_failures) {
      spdlog::error("tenant {} parked after {} failures in a row: {}", id,
                    restart.failures_in_row(), entry.last_error);
      return;
    }
    entry.restart_pending = true;
    spdlog::warn("tenant {} supervisor failed ({}), restart in {} ms", id, entry.last_error,
                 delay.count());
    self->delayed_send(self, delay, restart_atom_v, id);
    return;
  }
  // From our owner: stop every tenant, then ourselves (a custom handler must quit itself).
  for (auto& [id, entry] : st.tenants)
    stop_tenant(self, entry);
  self->quit(msg.reason);
}

org_private::behavior_type org_impl(self_ptr self, engine_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  for (auto& user : st.cfg.users)
    st.users[user.user] = user;
  self->set_exit_handler([self](caf::exit_msg& msg) { on_exit(self, msg); });
  if (st.cfg.persistence) {
    // Every tenant commits through the one store writer: when it stops (a sticky store error,
    // or it was shut down) nothing may limp on. Stop every tenant and end with its reason.
    self->monitor(st.cfg.persistence);
    self->set_down_handler([self](caf::down_msg& msg) {
      if (msg.source != self->state.cfg.persistence.address())
        return;
      spdlog::critical("the store writer stopped ({}): every tenant stops",
                       self->system().render(msg.reason));
      auto why = "the store writer stopped: " + self->system().render(msg.reason);
      for (auto& [id, entry] : self->state.tenants) {
        stop_tenant(self, entry);
        entry.last_error = why;  // enabled and not restarting: reported as parked
      }
      self->quit(msg.reason ? msg.reason : caf::make_error(caf::exit_reason::user_shutdown));
    });
  }
  for (auto& settings : st.cfg.tenants) {
    auto& entry = st.tenants[settings.id];
    entry.settings = settings;
    if (settings.enabled)
      start_tenant(self, entry);
  }
  st.cfg.tenants.clear();
  st.cfg.users.clear();

  return {
    [=](put_atom, tenant_settings& settings) -> caf::result<tenant_status> {
      if (!is_valid_tenant_id(settings.id))
        return caf::make_error(config_errc::invalid_value, "invalid tenant id: " + settings.id);
      auto& entry = self->state.tenants[settings.id];
      stop_tenant(self, entry);
      entry.settings = std::move(settings);
      clear_failures(self->state, entry);
      if (entry.settings.enabled)
        start_tenant(self, entry);
      return status_of(self, entry.settings.id);
    },
    [=](remove_atom, const tenant_id& id) {
      auto i = self->state.tenants.find(id);
      if (i == self->state.tenants.end())
        return false;
      stop_tenant(self, i->second);
      self->state.tenants.erase(i);
      return true;
    },
    [=](enable_atom, const tenant_id& id, bool on) -> caf::result<tenant_status> {
      auto i = self->state.tenants.find(id);
      if (i == self->state.tenants.end())
        return caf::make_error(sync_errc::unknown_tenant, id);
      auto& entry = i->second;
      entry.settings.enabled = on;
      if (!on) {
        stop_tenant(self, entry);
      } else if (!entry.supervisor) {
        clear_failures(self->state, entry);
        start_tenant(self, entry);
      }
      return status_of(self, id);
    },
    [=](credential_atom, const tenant_id& id) -> caf::result<tenant_status> {
      auto i = self->state.tenants.find(id);
      if (i == self->state.tenants.end())
        return caf::make_error(sync_errc::unknown_tenant, id);
      auto& entry = i->second;
      if (entry.settings.enabled) {
        // A new port reads the new credential; streams resume from their stored links.
        stop_tenant(self, entry);
        clear_failures(self->state, entry);
        start_tenant(self, entry);
      }
      return status_of(self, id);
    },
    [=](assign_atom, user_assignment& user) -> caf::result<bool> {
      auto& st = self->state;
      if (!is_valid_user_id(user.user))
        return caf::make_error(config_errc::invalid_value, "invalid user id: " + user.user);
      auto target = st.tenants.find(user.tenant);
      if (target == st.tenants.end())
        return caf::make_error(sync_errc::unknown_tenant, user.tenant);
      auto old = st.users.find(user.user);
      if (old != st.users.end() && old->second.tenant != user.tenant) {
        auto from = st.tenants.find(old->second.tenant);
        if (from != st.tenants.end() && from->second.supervisor)
          self->send(from->second.supervisor, unassign_atom_v, user.user);
      }
      st.users[user.user] = user;
      if (target->second.supervisor)
        self->send(target->second.supervisor, assign_atom_v, user);
      return true;
    },
    [=](sync_atom, const tenant_id& id) -> caf::result<round_report> {
      auto i = self->state.tenants.find(id);
      if (i == self->state.tenants.end())
        return caf::make_error(sync_errc::unknown_tenant, id);
      if (!i->second.supervisor)
        return caf::make_error(i->second.state() == tenant_state::disabled
                                 ? sync_errc::tenant_disabled
                                 : sync_errc::tenant_parked,
                               id);
      return self->delegate(i->second.supervisor, sync_atom_v);
    },
    [=](status_atom, const tenant_id& id) { return status_of(self, id); },
    [=](status_atom) {
      auto rp = self->make_response_promise<std::vector<tenant_status>>();
      std::vector<tenant_status> running;
      std::vector<tenant_actor> live;
      for (auto& [id, entry] : self->state.tenants) {
        if (entry.supervisor)
          live.push_back(entry.supervisor);
        else
          running.push_back(local_status(entry));
      }
      gather<tenant_status>(
        self, live, std::chrono::seconds{15}, std::move(running),
        [](std::vector<tenant_status>& acc, tenant_status& s) { acc.push_back(std::move(s)); },
        [](std::vector<tenant_status>&, caf::error&) {},
        [rp](std::vector<tenant_status>& acc) mutable {
          std::sort(acc.begin(), acc.end(),
                    [](auto& a, auto& b) { return a.tenant < b.tenant; });
          rp.deliver(acc);
        },
        status_atom_v);
      return rp;
    },
    [=](crash_atom, const tenant_id& tenant, const user_id& user) {
      auto i = self->state.tenants.find(tenant);
      if (i != self->state.tenants.end() && i->second.supervisor)
        self->send(caf::actor_cast<tenant_with_fault_injection>(i->second.supervisor),
                   crash_atom_v, user);
    },
    [=](restart_atom, const tenant_id& id) {
      auto i = self->state.tenants.find(id);
      if (i == self->state.tenants.end() || !i->second.restart_pending)
        return;  // removed, disabled or restarted by an operator meanwhile
      ++i->second.restarts;
      start_tenant(self, i->second);
    },
  };
}

} // namespace

org_actor spawn_org_supervisor(caf::actor_system& sys, engine_config config) {
  return caf::actor_cast<org_actor>(sys.spawn(org_impl, std::move(config)));
}

} // namespace m365
