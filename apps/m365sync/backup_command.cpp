// `m365sync backup --data-dir D --to DIR`: online compacting copy of the store, safe while a
// server runs (LMDB readers do not block the writer).
#include <filesystem>
#include <iostream>

#include "apps/m365sync/commands.hpp"
#include "store/lmdb_store.hpp"

namespace m365::cli {

namespace {

int run_backup(const std::string& data_dir, const std::string& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      std::cerr << "error: '" << target << "' exists and is not a directory\n";
      return exit_bad_config;
    }
    if (!fs::is_empty(target, ec)) {
      std::cerr << "error: '" << target << "' exists and is not empty; back up into a new or "
                   "empty directory\n";
      return exit_bad_config;
    }
  }
  auto store_dir = (fs::path{data_dir} / "store").string();
  if (!fs::exists(fs::path{store_dir} / "data.mdb", ec)) {
    std::cerr << "error: no store at '" << store_dir << "' (is --data-dir the server's data_dir?)\n";
    return exit_bad_config;
  }
  store_options options;
  options.path = store_dir;
  options.read_only = true;
  auto store = lmdb_store::open(options);
  if (!store) {
    std::cerr << "error: cannot open the store at '" << store_dir
              << "': " << store.error().to_string() << "\n";
    return exit_failure;
  }
  if (auto st = (*store)->backup_to(target); !st) {
    std::cerr << "error: backup to '" << target << "' failed: " << st.to_string() << "\n";
    return exit_failure;
  }
  uintmax_t total = 0;
  for (const auto& entry : fs::directory_iterator{target, ec}) {
    if (!entry.is_regular_file()) continue;
    auto size = entry.file_size();
    total += size;
    std::cout << "wrote " << fs::absolute(entry.path()).string() << " (" << size << " bytes)\n";
  }
  auto stats = (*store)->stats();
  std::cout << "backup of " << store_dir << " complete: " << total << " bytes, " << stats.emails
            << " emails, " << stats.events << " events\n";
  return exit_ok;
}

} // namespace

void register_backup_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("backup", "Copy the store into a new directory (online)");
  struct options {
    std::string data_dir;
    std::string target;
  };
  auto opts = std::make_shared<options>();
  cmd->add_option("-d,--data-dir", opts->data_dir, "The server's data_dir (holds store/)")
    ->required()
    ->type_name("DIR");
  cmd->add_option("-t,--to", opts->target,
                  "Target directory; created when missing, must be empty otherwise")
    ->required()
    ->type_name("DIR");
  cmd->footer("Writes a compacted copy of <data-dir>/store (data.mdb) into the target. Safe "
              "while the server runs: it copies one consistent snapshot. To restore, put the "
              "copy in the 'store' directory of a server's data_dir. The master key is not "
              "copied: back it up separately, and keep the two apart.\n"
              "Exit codes: 0 written, 1 store or I/O failure, 2 bad arguments.");
  cmd->callback([&exit_code, opts] { exit_code = run_backup(opts->data_dir, opts->target); });
}

} // namespace m365::cli
