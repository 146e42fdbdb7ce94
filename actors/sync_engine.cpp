#include "actors/sync_engine.hpp"

#include <caf/all.hpp>

#include "store/lmdb_store.hpp"

namespace m365 {

sync_engine::sync_engine(caf::actor_system& sys, std::shared_ptr<lmdb_store> store)
  : sys_(sys), store_(std::move(store)) {}

expected<std::unique_ptr<sync_engine>> sync_engine::start(caf::actor_system& sys,
                                                          sync_engine_options options) {
  if (!options.store)
    return status::invalid_argument("sync_engine: no store");
  if (!options.credentials)
    return status::invalid_argument("sync_engine: no credential loader");
  std::unique_ptr<sync_engine> engine{new sync_engine(sys, options.store)};
  engine->persistence_ = spawn_persistence_actor(sys, options.store, options.persistence);
  rule_evaluator_options ro;
  ro.store = options.store;
  ro.persistence = engine->persistence_;
  auto evaluator = spawn_rule_evaluator(sys, std::move(ro));
  if (!evaluator) {
    caf::anon_send_exit(engine->persistence_, caf::exit_reason::user_shutdown);
    engine->stopped_ = true;  // nothing else was started
    return evaluator.error();
  }
  engine->rules_ = std::move(*evaluator);
  engine->io_ = std::make_shared<graph_io>(options.io_threads);
  engine->request_timeout_ = options.graph.http.request_timeout;

  engine_config cfg;
  cfg.tenants = std::move(options.tenants);
  cfg.users = std::move(options.users);
  cfg.ports = std::make_shared<adapter_port_factory>(engine->io_, std::move(options.credentials),
                                                     options.graph);
  cfg.persistence = engine->persistence_;
  cfg.rules = engine->rules_;
  std::weak_ptr<lmdb_store> weak_store = options.store;
  cfg.load_link = [weak_store](const tenant_id& t, const user_id& u,
                               const std::string& folder) -> caf::expected<delta_link> {
    auto store = weak_store.lock();
    if (!store)
      return caf::make_error(store_errc::closed, "store closed");
    auto link = store->get_link(t, u, folder);
    if (link)
      return std::move(*link);
    if (link.error().code() == status_code::not_found) {
      delta_link fresh;  // a new stream
      fresh.tenant = t;
      fresh.user = u;
      fresh.folder = folder;
      return fresh;
    }
    return caf::make_error(to_store_errc(link.error().code()), link.error().message());
  };
  cfg.make_logger = std::move(options.make_logger);
  cfg.tuning = options.tuning;
  engine->org_ = spawn_org_supervisor(sys, std::move(cfg));
  return engine;
}

void sync_engine::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  caf::scoped_actor self{sys_};
  // Stop every tenant first, so nothing new is fetched, then drain the writer.
  self->monitor(org_);
  self->send_exit(org_, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});
  // Then the evaluator: a change it is writing is answered by the writer before the writer
  // stops, so nothing it persisted is lost.
  self->monitor(rules_);
  self->send_exit(rules_, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});
  self->request(persistence_, caf::infinite, flush_atom_v)
    .receive([](const commit_ack&) {}, [](const caf::error&) {});
  self->monitor(persistence_);
  self->send_exit(persistence_, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});
  // Ports die with the last actor or in-flight answer holding them; the io_context must
  // outlive them. Bounded by the request timeout (a hung exchange ends by then).
  io_->wait_released(request_timeout_ + std::chrono::seconds{5});
  io_.reset();  // joins the I/O threads
}

sync_engine::~sync_engine() { stop(); }

} // namespace m365
