// The rule evaluator; see rule_evaluator.hpp for the order of a change.
#include "actors/rule_evaluator.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <caf/all.hpp>

#include "messages/clock.hpp"
#include "rule_admin/rule_edit.hpp"
#include "rule_admin/rule_purge_plan.hpp"
#include "rule_admin/store_rule_catalog.hpp"
#include "rules/compiled_rule_set.hpp"
#include "store/lmdb_store.hpp"

namespace m365 {

namespace {

/// The scan worker: one plan, then it quits. Detached: the scan reads the whole store.
using plan_worker = caf::typed_actor<caf::replies_to<preview_atom, rule, tenant_id>::with<purge_plan>>;

struct evaluator_state {
  rule_evaluator_options options;
  std::vector<rule> rules;  ///< as stored; the source of `current`
  rule_set_snapshot current;
  std::vector<caf::actor_addr> subscribers;  ///< weak: a dead subscriber is only forgotten
  static inline const char* name = "rule_evaluator";
};

using self_ptr = rule_evaluator_actor::stateful_pointer<evaluator_state>;

/// A status of rules/, rule_admin/ or the store as the error this interface documents.
caf::error to_error(const status& s) {
  switch (s.code()) {
    case status_code::invalid_argument:
      return caf::make_error(config_errc::invalid_value, s.message());
    case status_code::not_found:
      return caf::make_error(config_errc::unknown_reference, s.message());
    default:
      return caf::make_error(to_store_errc(s.code()), s.message());
  }
}

plan_worker::behavior_type plan_worker_impl(plan_worker::pointer self,
                                            std::shared_ptr<lmdb_store> store, size_t examples) {
  return {
    [=](preview_atom, rule& candidate, tenant_id& tenant) {
      auto rp = self->make_response_promise<purge_plan>();
      auto plan = make_purge_plan(*store, std::move(candidate), tenant, examples);
      if (plan)
        rp.deliver(std::move(*plan));
      else
        rp.deliver(to_error(plan.error()));
      self->quit();
      return rp;
    },
  };
}

/// Makes `next` (compiled from `rules`) the current set and sends it to every live subscriber.
void publish(self_ptr self, std::vector<rule> rules,
             std::shared_ptr<const compiled_rule_set> next) {
  auto& st = self->state;
  st.rules = std::move(rules);
  st.current = rule_set_snapshot{std::move(next), st.current.generation + 1};
  for (auto& addr : st.subscribers)
    if (auto subscriber = caf::actor_cast<caf::strong_actor_ptr>(addr))
      self->send(caf::actor_cast<rule_set_subscriber>(subscriber), rules_atom_v, st.current);
}

/// Compiles the edited set, persists the edit's change, publishes, then calls `done`. Refused
/// (nothing persisted or sent) when the set does not compile.
template <class Promise, class Done>
void commit_edit(self_ptr self, rule_edit edit, Promise rp, Done done) {
  auto compiled = compiled_rule_set::compile(edit.rules);
  if (!compiled) {
    rp.deliver(to_error(compiled.error()));
    return;
  }
  auto shared = std::make_shared<rule_edit>(std::move(edit));
  auto set = std::move(*compiled);
  // await: no other message (another change) is handled until the write is answered.
  self->request(self->state.options.persistence, caf::infinite, rules_atom_v, shared->change)
    .await(
      [=](const commit_ack&) mutable {
        publish(self, std::move(shared->rules), set);
        done(*shared);
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// The catalog of a change, or the error it failed with (delivered to `rp`).
template <class Promise>
std::optional<memory_rule_catalog> catalog_for(self_ptr self, Promise& rp) {
  auto catalog = store_rule_catalog(*self->state.options.store);
  if (!catalog) {
    rp.deliver(to_error(catalog.error()));
    return std::nullopt;
  }
  return std::move(*catalog);
}

/// The item's tenant context: its internal domains as the store holds them (none when the
/// tenant is not stored).
std::vector<std::string> internal_domains_of(self_ptr self, const tenant_id& tenant) {
  if (auto t = self->state.options.store->get_tenant(tenant))
    return t->internal_domains;
  return {};
}

template <class Item>
rule_explanation explain(self_ptr self, const Item& item) {
  auto domains = internal_domains_of(self, item.tenant);
  item_context ctx;
  ctx.internal_domains = &domains;
  return self->state.current.rules->explain(item, ctx);
}

/// Runs the scan of `candidate` in a worker; `then(plan)` runs back in the evaluator.
template <class Promise, class Then>
void plan_in_worker(self_ptr self, rule candidate, tenant_id tenant, Promise rp, Then then) {
  if (auto st = validate_candidate_rule(*self->state.options.store, candidate); !st) {
    rp.deliver(to_error(st));
    return;
  }
  auto worker = self->spawn<caf::detached>(plan_worker_impl, self->state.options.store,
                                           self->state.options.example_limit);
  self->request(worker, caf::infinite, preview_atom_v, std::move(candidate), std::move(tenant))
    .then([=](purge_plan& plan) mutable { then(plan); },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

rule_evaluator_actor::behavior_type evaluator_impl(self_ptr self, rule_evaluator_options options,
                                                   std::vector<rule> rules,
                                                   std::shared_ptr<const compiled_rule_set> set) {
  auto& st = self->state;
  st.options = std::move(options);
  st.rules = std::move(rules);
  st.current = rule_set_snapshot{std::move(set), 1};
  self->set_down_handler([self](caf::down_msg& down) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove(subs.begin(), subs.end(), down.source), subs.end());
  });
  return {
    [self](subscribe_atom) {
      auto& st = self->state;
      if (auto sender = self->current_sender()) {
        auto addr = caf::actor_cast<caf::actor_addr>(sender);
        if (std::find(st.subscribers.begin(), st.subscribers.end(), addr) == st.subscribers.end()) {
          st.subscribers.push_back(addr);
          self->monitor(sender);
        }
      }
      return st.current;
    },
    [self](list_atom) { return self->state.current.rules->rules(); },
    [self](put_atom, rule& candidate, std::string& actor) {
      auto rp = self->make_response_promise<rule_put_result>();
      auto catalog = catalog_for(self, rp);
      if (!catalog)
        return rp;
      auto edit = edit_put(self->state.rules, std::move(candidate), *catalog, actor, now_ms());
      if (!edit) {
        rp.deliver(to_error(edit.error()));
      } else if (edit->unchanged) {
        rp.deliver(rule_put_result{edit->subject, false, self->state.current.generation,
                                   edit->warnings});
      } else {
        commit_edit(self, std::move(*edit), rp, [self, rp](const rule_edit& done) mutable {
          rp.deliver(rule_put_result{done.subject, true, self->state.current.generation,
                                     done.warnings});
        });
      }
      return rp;
    },
    [self](remove_atom, std::string& id, std::string& actor) {
      auto rp = self->make_response_promise<rule>();
      auto edit = edit_remove(self->state.rules, id, actor, now_ms());
      if (!edit)
        rp.deliver(to_error(edit.error()));
      else
        commit_edit(self, std::move(*edit), rp,
                    [rp](const rule_edit& done) mutable { rp.deliver(done.subject); });
      return rp;
    },
    [self](explain_atom, const email& item) { return explain(self, item); },
    [self](explain_atom, const event& item) { return explain(self, item); },
    [self](explain_atom, const tenant_id& tenant, const user_id& user,
           const std::string& graph_id) {
      auto rp = self->make_response_promise<rule_explanation>();
      auto& store = *self->state.options.store;
      if (auto e = store.get_email(tenant, user, graph_id)) {
        rp.deliver(explain(self, *e));
      } else if (e.error().code() != status_code::not_found) {
        rp.deliver(to_error(e.error()));
      } else if (auto ev = store.get_event(tenant, user, graph_id)) {
        rp.deliver(explain(self, *ev));
      } else if (ev.error().code() != status_code::not_found) {
        rp.deliver(to_error(ev.error()));
      } else {
        rp.deliver(caf::make_error(config_errc::unknown_reference,
                                   "no stored email or event " + tenant + "/" + user + "/"
                                     + graph_id));
      }
      return rp;
    },
    [self](preview_atom, rule& candidate, tenant_id& tenant) {
      auto rp = self->make_response_promise<rule_preview_report>();
      plan_in_worker(self, std::move(candidate), std::move(tenant), rp,
                     [rp](purge_plan& plan) mutable { rp.deliver(std::move(plan.report)); });
      return rp;
    },
    [self](purge_atom, rule& candidate, tenant_id& tenant, std::string& token,
           std::string& actor) {
      auto rp = self->make_response_promise<rule_purge_report>();
      plan_in_worker(self, std::move(candidate), std::move(tenant), rp,
                     [self, rp, token, actor](purge_plan& plan) mutable {
        if (plan.report.token != token) {
          rp.deliver(caf::make_error(config_errc::conflict,
                                     "the preview token does not match a preview of this rule "
                                     "over the stored items now; nothing was purged"));
          return;
        }
        // The set as it is now (another change may have been committed during the scan).
        auto catalog = catalog_for(self, rp);
        if (!catalog)
          return;
        auto edit = edit_put(self->state.rules, plan.report.candidate, *catalog, actor, now_ms());
        if (!edit) {
          rp.deliver(to_error(edit.error()));
          return;
        }
        auto change = purge_change(plan, actor, edit->change.at);
        change.put = edit->change.put;  // empty when that very rule is stored already
        edit->change = std::move(change);
        auto report = purge_report(plan);
        report.stored = edit->subject;
        commit_edit(self, std::move(*edit), rp,
                    [rp, report](const rule_edit&) mutable { rp.deliver(report); });
      });
      return rp;
    },
    [self](status_atom) {
      auto& st = self->state;
      return rule_evaluator_status{st.current.generation, st.current.rules->rules().size(),
                                   st.subscribers.size()};
    },
  };
}

} // namespace

expected<rule_evaluator_actor> spawn_rule_evaluator(caf::actor_system& sys,
                                                    rule_evaluator_options options) {
  if (!options.store)
    return status::invalid_argument("rule evaluator: no store");
  if (!options.persistence)
    return status::invalid_argument("rule evaluator: no persistence actor");
  auto rules = options.store->list_rules();
  if (!rules)
    return rules.error();
  auto set = compiled_rule_set::compile(*rules);
  if (!set)
    return status{set.error().code(), "the stored rules do not compile: " + set.error().message()};
  return sys.spawn(evaluator_impl, std::move(options), std::move(*rules), std::move(*set));
}

} // namespace m365
