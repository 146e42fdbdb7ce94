// Names of the server config's enums, as written in the config file.
#include "config/server_config.hpp"

namespace m365 {

const char* to_string(log_verbosity x) noexcept {
  switch (x) {
    case log_verbosity::trace: return "trace";
    case log_verbosity::debug: return "debug";
    case log_verbosity::info: return "info";
    case log_verbosity::warn: return "warn";
    case log_verbosity::error: return "error";
  }
  return "unknown";
}

const char* to_string(log_format x) noexcept {
  return x == log_format::json ? "json" : "text";
}

} // namespace m365
