// Ownership: each register function adds one subcommand to the CLI11 app owned by main(); the
// subcommand's callback runs on the main thread and stores the process exit code in `exit_code`.
#pragma once

#include <CLI/App.hpp>

namespace m365::cli {

/// Exit codes shared by every subcommand.
enum exit_status : int {
  exit_ok = 0,
  exit_failure = 1,     ///< the command ran and failed (store, I/O, self-check)
  exit_bad_config = 2,  ///< the config file or the command line is wrong; nothing was changed
};

void register_serve_command(CLI::App& app, int& exit_code);
void register_check_config_command(CLI::App& app, int& exit_code);
void register_backup_command(CLI::App& app, int& exit_code);
void register_admin_key_command(CLI::App& app, int& exit_code);
void register_demo_command(CLI::App& app, int& exit_code);
void register_export_command(CLI::App& app, int& exit_code);
void register_rules_command(CLI::App& app, int& exit_code);
void register_version_command(CLI::App& app, int& exit_code);

} // namespace m365::cli
