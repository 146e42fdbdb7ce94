// `m365sync version`: the build's version and the versions of the libraries that matter when
// reporting a bug.
#include <iostream>

#include <boost/version.hpp>
#include <caf/config.hpp>
#include <lmdb.h>
#include <openssl/crypto.h>
#include <spdlog/version.h>

#include "apps/m365sync/commands.hpp"

namespace m365::cli {

void register_version_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the versions of m365sync and its libraries");
  cmd->callback([&exit_code] {
    std::cout << "m365sync " << M365SYNC_VERSION << "\n"
              << "  CAF " << CAF_VERSION / 10000 << "." << CAF_VERSION / 100 % 100 << "."
              << CAF_VERSION % 100 << "\n"
              << "  LMDB " << MDB_VERSION_MAJOR << "." << MDB_VERSION_MINOR << "."
              << MDB_VERSION_PATCH << "\n"
              << "  Boost " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << "."
              << BOOST_VERSION % 100 << "\n"
              << "  spdlog " << SPDLOG_VER_MAJOR << "." << SPDLOG_VER_MINOR << "."
              << SPDLOG_VER_PATCH << "\n"
              << "  " << OpenSSL_version(OPENSSL_VERSION) << "\n";
    exit_code = exit_ok;
  });
}

} // namespace m365::cli
