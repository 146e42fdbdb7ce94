// Ownership: free functions; each call owns its own state, so calls may run on any thread.
// Reads and validates the config file of design.md section 7 (JSON with comments).
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "messages/expected.hpp"

namespace m365 {

struct config_load_options {
  /// Larger files are refused before parsing. Default: 16 MiB.
  size_t max_file_size = size_t{16} << 20;
};

/// Reads `path`, parses it (comments and trailing commas allowed) and validates everything.
/// Rules go through rules/'s decoder (rule_json.hpp), the one API bodies use, and are checked
/// as validate_rule() would, against the tenants and users the file declares.
/// Credential files named in it are read now, so a bad path fails the load, not the first sync.
/// Returns the config, or ONE invalid_argument status listing every problem, each naming its
/// JSON path (`tenants[1].schedule.email_interval_s: must be an integer >= 1 (got 0)`).
/// Nothing is half-applied: there is no partial result. Secret values never appear in errors.
expected<config> load_config(const std::string& path, const config_load_options& options = {});

/// As load_config, for text already in memory; relative paths resolve against `base_dir`, and
/// `source` names the document in the error headline.
expected<config> parse_config(std::string_view text, const std::string& base_dir,
                              const std::string& source = "config",
                              const config_load_options& options = {});

} // namespace m365
