// `m365sync check-config --config FILE`: validates a config file without touching anything.
#include <iostream>

#include "apps/m365sync/commands.hpp"
#include "apps/m365sync/config_console.hpp"

namespace m365::cli {

void register_check_config_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("check-config", "Validate a config file and summarize it");
  auto path = std::make_shared<std::string>();
  cmd->add_option("-c,--config", *path, "Config file (JSON with comments)")
    ->required()
    ->type_name("FILE");
  cmd->footer("Prints a summary of the tenants, users and rules, or every problem found, each "
              "with its JSON path. Reads the credential files the config names (never prints "
              "them); writes nothing.\nExit codes: 0 valid, 2 invalid.");
  cmd->callback([&exit_code, path] {
    auto cfg = load_config(*path, cli_load_options());
    if (!cfg) {
      print_config_problems(cfg.error(), std::cerr);
      exit_code = exit_bad_config;
      return;
    }
    print_config_summary(*cfg, std::cout);
    if (auto warning = inline_secret_exposure(*cfg); !warning.empty()) {
      std::cerr << "warning: " << warning << "\n";
    }
    exit_code = exit_ok;
  });
}

} // namespace m365::cli
