// Ownership: configures spdlog's logger registry (the one process-wide registry the design
// allows). configure_logging runs once at start-up before other threads log; make_tenant_logger
// may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "config/server_config.hpp"
#include "messages/ids.hpp"

namespace m365 {

/// Name of the process logger (spdlog's default logger after configure_logging).
inline constexpr const char* process_logger_name = "m365sync";

/// Makes "m365sync" the default logger, writing to stderr in `settings.format` (UTC times) at
/// `settings.level`, and drops loggers made before (so tenant loggers pick up the new sink).
/// Text lines:  2026-11-26T22:14:23.101Z info [tenant=contoso] message
/// JSON lines:  {"time":"…","level":"info","logger":"tenant.contoso","tenant":"contoso","msg":"…"}
/// Messages are JSON-escaped in json format. Never pass a secret to any logger.
void configure_logging(const log_settings& settings);

/// The logger of one tenant ("tenant.<id>"): shares the process logger's sink and level, and
/// every line it writes carries the tenant id. Returns the same logger for the same tenant.
std::shared_ptr<spdlog::logger> make_tenant_logger(const tenant_id& tenant);

} // namespace m365
