// `m365sync serve --config FILE`: the headless server.
//
// Start-up, in order (each step fails the start with a clear message, nothing runs half-set-up):
//   load + validate config (exit 2) -> logging -> <data_dir>/store -> master key ->
//   apply the declared tenants/users/rules (idempotent) -> actor system + sync engine over the
//   store's tenants and users, its rule evaluator over the store's rules (credentials opened
//   from the store with the master key) ->
//   "ready" -> wait for SIGINT/SIGTERM -> flush the persistence actor and wait for its reply ->
//   sync_engine::stop() (tenants, then the writer) -> close the store -> exit 0. Should the persistence actor stop on its own
//   (a sticky store error), the server stops too and exits 1.
// The flush before closing is what guarantees that no acknowledged write is lost.
#include <chrono>
#include <csignal>
#include <thread>
#include <filesystem>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/persistence_actor.hpp"
#include "actors/sync_engine.hpp"
#include "apps/m365sync/commands.hpp"
#include "apps/m365sync/config_console.hpp"
#include "apps/m365sync/shutdown_signal.hpp"
#include "apps/m365sync/sync_actor_config.hpp"
#include "config/api_key.hpp"
#include "config/declarative_apply.hpp"
#include "config/log_setup.hpp"
#include "config/master_key.hpp"
#include "config/sealed_credentials.hpp"
#include "config/secret_box.hpp"
#include "messages/clock.hpp"
#include "messages/interfaces.hpp"
#include "store/lmdb_store.hpp"

namespace m365::cli {

namespace {

/// How long shutdown waits for the persistence actor to commit what it holds.
constexpr auto flush_timeout = std::chrono::seconds{60};

expected<std::shared_ptr<lmdb_store>> open_store(const server_config& server) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(server.data_dir, ec)) {
    fs::create_directories(server.data_dir, ec);
    if (ec) {
      return status::io_error("cannot create data_dir '" + server.data_dir
                              + "': " + ec.message());
    }
    // It holds the store and, by default, the master key: owner only.
    fs::permissions(server.data_dir, fs::perms::owner_all, ec);
  }
  store_options options;
  options.path = (fs::path{server.data_dir} / "store").string();
  auto store = lmdb_store::open(options);
  if (!store) return store.error();
  return std::shared_ptr<lmdb_store>{std::move(store).value()};
}

/// Logs the admin key situation; only a damaged key file stops the start.
status check_admin_key(const server_config& server, spdlog::logger& log) {
  auto hash = read_api_key_hash(server.admin_key_file);
  if (hash) {
    log.info("admin API key: hash loaded from {}", server.admin_key_file);
    return status::ok();
  }
  if (hash.error().code() == status_code::not_found) {
    log.warn("no admin API key yet ({} is missing); create one with 'm365sync admin-key "
             "--config FILE'",
             server.admin_key_file);
    return status::ok();
  }
  return hash.error();
}

/// Applies the declarative part of the file and logs each change.
status apply_config(const config& cfg, lmdb_store& store, const secret_box& box,
                    spdlog::logger& log) {
  auto report = apply_declarations(cfg, store, box, "config:" + cfg.source, now_ms());
  if (!report) return report.error();
  for (const auto& line : report->lines) log.info("config applied: {}", line);
  log.info("config applied: {} changes, {} records unchanged", report->changes(),
           report->unchanged);
  for (const auto& t : cfg.tenants) {
    size_t users = 0;
    for (const auto& u : cfg.users) users += u.tenant == t.settings.id ? 1 : 0;
    make_tenant_logger(t.settings.id)
      ->info("configured: {}, {} users, graph {}", t.settings.enabled ? "enabled" : "disabled",
             users, t.settings.graph);
  }
  return status::ok();
}

/// The sync engine's inputs as the store holds them after the config was applied, so tenants
/// and users made through the API count as much as the declared ones. The rules are not among
/// them: the engine's rule evaluator loads the stored rules itself and owns them from then on.
expected<sync_engine_options> engine_options_from_store(std::shared_ptr<lmdb_store> store,
                                                        const secret_box& box) {
  sync_engine_options options;
  auto tenants = store->list_tenants();
  if (!tenants) return tenants.error();
  auto users = store->list_users("");
  if (!users) return users.error();
  options.tenants = std::move(*tenants);
  options.users = std::move(*users);
  options.credentials = sealed_credential_loader(store, box);
  options.make_logger = [](const tenant_id& tenant) { return make_tenant_logger(tenant); };
  options.store = std::move(store);
  return options;
}

/// Runs the engine until a shutdown signal (or the death of the store writer), then flushes.
/// Returns the exit code.
///
///   main thread:   start the engine, monitor its writer -> receive( signal number | down_msg )
///                  -> flush -> engine stop (tenants first, then the writer) -> (system
///                  destroyed: waits for every actor) -> close store
///   signal thread: sigwait -> send the signal number to the main thread's scoped actor
int run_actors(const config& cfg, std::shared_ptr<lmdb_store> store, const secret_box& box,
               shutdown_signal& signals, spdlog::logger& log) {
  bool flushed = false;
  bool writer_died = false;
  {
    auto options = engine_options_from_store(store, box);
    if (!options) {
      log.error("cannot read tenants and users from the store: {}",
                options.error().to_string());
      return exit_failure;
    }
    const size_t tenants = options->tenants.size();
    const size_t users = options->users.size();
    sync_actor_config actor_config{cfg.server.threads};
    caf::actor_system system{actor_config};
    auto started = sync_engine::start(system, std::move(*options));
    if (!started) {
      log.error("cannot start the sync engine: {}", started.error().to_string());
      return exit_failure;
    }
    std::unique_ptr<sync_engine> engine = std::move(*started);
    caf::scoped_actor self{system};
    uint64_t rules = 0;
    self->request(engine->rules(), std::chrono::seconds{10}, status_atom_v)
      .receive([&](const rule_evaluator_status& st) { rules = st.rules; },
               [](const caf::error&) {});    auto persistence = engine->persistence();
    self->monitor(persistence);
    auto main_actor = caf::actor{self};
    std::thread signal_thread{[&signals, main_actor] {
      caf::anon_send(main_actor, signals.wait());
    }};
    log.info("ready: {} tenants, {} users, {} rules; store {}/store; pid {}", tenants, users,
             rules, cfg.server.data_dir, ::getpid());

    self->receive(
      [&](int signal_number) {
        log.info("{} received: shutting down", shutdown_signal::name(signal_number));
      },
      [&](caf::down_msg& down) {
        // Nothing limps on without its single writer (e.g. after a sticky store error).
        writer_died = true;
        log.error("the persistence actor stopped: {}; shutting down", system.render(down.reason));
        // Release the signal thread from sigwait: the signal is blocked everywhere, so it can
        // only be taken there.
        ::kill(::getpid(), SIGTERM);
      });
    signal_thread.join();

    if (!writer_died) {
      self->request(persistence, flush_timeout, flush_atom_v)
        .receive([&](const commit_ack&) { flushed = true; },
                 [&](caf::error& err) {
                   log.error("flush before shutdown failed: {}", system.render(err));
                 });
    }
    // Stops every tenant, then drains and stops the writer; pages acknowledged after the
    // flush above are committed here too.
    engine->stop();
    engine.reset();
    // Leaving the scope destroys the actor system, which waits until every actor is done.
  }
  if (auto health = store->health(); !health) {
    log.error("the store reports a fatal error: {}", health.to_string());
    return exit_failure;
  }
  store.reset();  // the persistence actor is gone: this closes the environment
  if (!flushed) return exit_failure;
  log.info("stopped cleanly");
  return exit_ok;
}

int run_serve(const std::string& config_path) {
  // First, before CAF or anything else starts a thread.
  shutdown_signal signals;
  auto cfg = load_config(config_path, cli_load_options());
  if (!cfg) {
    print_config_problems(cfg.error(), std::cerr);
    return exit_bad_config;
  }
  configure_logging(cfg->server.log);
  auto log = spdlog::default_logger();
  log->info("m365sync {} starting with config {}", M365SYNC_VERSION, cfg->source);
  if (auto warning = inline_secret_exposure(*cfg); !warning.empty()) log->warn("{}", warning);

  auto store = open_store(cfg->server);
  if (!store) {
    log->error("cannot open the store: {}", store.error().to_string());
    return exit_failure;
  }
  auto key = load_or_create_master_key(cfg->server.master_key_file);
  if (!key) {
    log->error("master key: {}", key.error().to_string());
    return exit_failure;
  }
  secret_box box{*key};
  if (auto st = check_admin_key(cfg->server, *log); !st) {
    log->error("admin key: {}", st.to_string());
    return exit_failure;
  }
  if (auto st = apply_config(*cfg, **store, box, *log); !st) {
    log->error("applying the config to the store failed: {}", st.to_string());
    return exit_failure;
  }
  return run_actors(*cfg, std::move(*store), box, signals, *log);
}

} // namespace

void register_serve_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("serve", "Run the server until SIGINT or SIGTERM");
  auto path = std::make_shared<std::string>();
  cmd->add_option("-c,--config", *path,
                  "Config file (JSON with comments; validate it with 'check-config')")
    ->required()
    ->type_name("FILE");
  cmd->footer(
    "Validates the config (every problem is printed, nothing is started), opens "
    "<data_dir>/store, loads or creates the master key, applies the declared tenants, users "
    "and rules (only what changed is written), starts the actors and logs 'ready'. SIGINT or "
    "SIGTERM commits everything pending, then exits. Every enabled tenant syncs on its "
    "schedule from start. Logs go to stderr.\n"
    "Exit codes: 0 clean shutdown, 1 start-up or shutdown failure, 2 invalid config.");
  cmd->callback([&exit_code, path] { exit_code = run_serve(*path); });
}

} // namespace m365::cli
