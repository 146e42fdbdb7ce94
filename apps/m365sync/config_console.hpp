// Ownership: free functions used by the subcommands on the main thread.
// Loading the config file for a command and printing it or its problems for an operator.
#pragma once

#include <ostream>
#include <string>

#include "config/config.hpp"
#include "config/config_loader.hpp"

namespace m365::cli {

/// The load options every command uses (the defaults: rules are checked by rules/ inside the
/// loader).
config_load_options cli_load_options();

/// Every problem of a failed load, one per line, as the loader reported them.
void print_config_problems(const status& problems, std::ostream& out);

/// A warning when the config file holds a client secret inline and group or others may read
/// it; empty otherwise.
std::string inline_secret_exposure(const config& cfg);

/// A short human summary: server settings, each tenant with its user count, rule counts.
/// Never prints credential material.
void print_config_summary(const config& cfg, std::ostream& out);

} // namespace m365::cli
