// `m365sync admin-key --config FILE`: creates the admin API key. The key is printed once; only
// its SHA-256 is written (to admin_key_file).
#include <iostream>

#include <unistd.h>

#include "apps/m365sync/commands.hpp"
#include "apps/m365sync/config_console.hpp"
#include "config/api_key.hpp"

namespace m365::cli {

void register_admin_key_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("admin-key", "Create the admin API key (shown once)");
  cmd->footer("Writes the SHA-256 of a new random key to the config's admin_key_file (mode "
              "0600) and prints the key itself once on stdout. Keep it in a password manager; "
              "it cannot be shown again.\nExit codes: 0 created, 1 failure (e.g. a key exists "
              "and --replace was not given), 2 invalid config.");
  struct options {
    std::string config;
    bool replace = false;
  };
  auto opts = std::make_shared<options>();
  cmd->add_option("-c,--config", opts->config, "Config file naming admin_key_file")
    ->required()
    ->type_name("FILE");
  cmd->add_flag("--replace", opts->replace,
                "Replace an existing key (the old one stops working). Default: refuse");
  cmd->callback([&exit_code, opts] {
    auto cfg = load_config(opts->config, cli_load_options());
    if (!cfg) {
      print_config_problems(cfg.error(), std::cerr);
      exit_code = exit_bad_config;
      return;
    }
    const auto& file = cfg->server.admin_key_file;
    if (opts->replace) ::unlink(file.c_str());
    auto key = generate_api_key();
    if (!key) {
      std::cerr << "error: " << key.error().to_string() << "\n";
      exit_code = exit_failure;
      return;
    }
    if (auto st = write_api_key_hash(file, *key); !st) {
      std::cerr << "error: " << st.message()
                << (st.code() == status_code::already_exists ? " (use --replace to rotate it)"
                                                              : "")
                << "\n";
      exit_code = exit_failure;
      return;
    }
    std::cerr << "admin key hash written to " << file << "; the key follows (shown once):\n";
    std::cout << key->token << std::endl;
    exit_code = exit_ok;
  });
}

} // namespace m365::cli
