// Ownership: plain value, copied freely; read-only after load, safe to share across threads.
// The server part of the config file (design.md section 7), every field with its default.
#pragma once

#include <cstdint>
#include <string>

namespace m365 {

/// Threshold of the process log; lines below it are dropped.
enum class log_verbosity : uint8_t { trace = 0, debug, info, warn, error };

/// How log lines are written to stderr.
enum class log_format : uint8_t {
  text = 0,  ///< "2026-11-26T22:14:23.101Z info [tenant=contoso] message"
  json,      ///< one JSON object per line: time, level, logger, tenant (when any), msg
};

struct log_settings {
  /// Config key `log.level`: trace, debug, info, warn or error. Default: info.
  log_verbosity level = log_verbosity::info;
  /// Config key `log.format`: text or json. Default: text.
  log_format format = log_format::text;
};

/// Relative paths in the file are resolved against the directory of the config file, so a
/// deployment directory can be moved as a whole; every path below is absolute after load.
struct server_config {
  /// Config key `data_dir`. Required. The store lives in <data_dir>/store.
  std::string data_dir;
  /// Config key `listen` ("host:port", IPv6 as "[::1]:8700"). Default: 127.0.0.1:8700.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8700;
  /// Config key `admin_key_file`: holds the SHA-256 (hex) of the admin API key, never the key.
  /// Default: <data_dir>/admin.key.
  std::string admin_key_file;
  /// Config key `master_key_file`: 64 hex digits (32 bytes), mode 0600, created when missing.
  /// Keep it outside backups of the store. Default: <data_dir>/master.key.
  std::string master_key_file;
  /// Config key `log`: {"level": ..., "format": ...}.
  log_settings log;
  /// Config key `threads`: worker threads of the actor scheduler; 0 = one per CPU core.
  /// Default: 0. At most 1024.
  uint32_t threads = 0;
};

const char* to_string(log_verbosity x) noexcept;
const char* to_string(log_format x) noexcept;

} // namespace m365
