// m365sync: one binary, one subcommand per file (see commands.hpp).
#include <CLI/CLI.hpp>

#include "apps/m365sync/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"m365sync: syncs mail and calendars of several Microsoft 365 tenants into one "
               "CRM store.\nRun 'm365sync <command> --help' for the options of a command.",
               "m365sync"};
  app.require_subcommand(1);
  app.set_version_flag("--version", M365SYNC_VERSION);
  app.footer("Exit codes: 0 success, 1 failure, 2 invalid config or command line.");
  int exit_code = m365::cli::exit_ok;
  m365::cli::register_serve_command(app, exit_code);
  m365::cli::register_check_config_command(app, exit_code);
  m365::cli::register_backup_command(app, exit_code);
  m365::cli::register_admin_key_command(app, exit_code);
  m365::cli::register_demo_command(app, exit_code);
  m365::cli::register_export_command(app, exit_code);
  m365::cli::register_rules_command(app, exit_code);
  m365::cli::register_version_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return m365::cli::exit_bad_config;
  }
  return exit_code;
}
