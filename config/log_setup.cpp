// spdlog set-up: one stderr sink, text or JSON lines, a tenant field taken from the logger name.
#include "config/log_setup.hpp"

#include <cstdio>

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace m365 {

namespace {

constexpr std::string_view tenant_logger_prefix = "tenant.";

/// The tenant id of a "tenant.<id>" logger, empty for any other logger.
std::string_view tenant_of(const spdlog::details::log_msg& msg) {
  std::string_view name{msg.logger_name.data(), msg.logger_name.size()};
  if (name.substr(0, tenant_logger_prefix.size()) != tenant_logger_prefix) return {};
  return name.substr(tenant_logger_prefix.size());
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

/// %k: "[tenant=<id>] " on lines of a tenant logger, nothing otherwise (text format).
class text_tenant_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto tenant = tenant_of(msg);
    if (tenant.empty()) return;
    append(dest, "[tenant=");
    append(dest, tenant);
    append(dest, "] ");
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<text_tenant_flag>();
  }
};

/// %j: ,"tenant":"<id>" on lines of a tenant logger (json format). Tenant ids are [a-z0-9-],
/// nothing to escape.
class json_tenant_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto tenant = tenant_of(msg);
    if (tenant.empty()) return;
    append(dest, ",\"tenant\":\"");
    append(dest, tenant);
    append(dest, "\"");
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_tenant_flag>();
  }
};

/// %q: the message as the inside of a JSON string.
class json_message_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view{msg.payload.data(), msg.payload.size()}) {
      switch (c) {
        case '"': append(dest, "\\\""); break;
        case '\\': append(dest, "\\\\"); break;
        case '\n': append(dest, "\\n"); break;
        case '\r': append(dest, "\\r"); break;
        case '\t': append(dest, "\\t"); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            append(dest, buf);
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_flag>();
  }
};

spdlog::level::level_enum to_spdlog(log_verbosity level) {
  switch (level) {
    case log_verbosity::trace: return spdlog::level::trace;
    case log_verbosity::debug: return spdlog::level::debug;
    case log_verbosity::info: return spdlog::level::info;
    case log_verbosity::warn: return spdlog::level::warn;
    case log_verbosity::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

} // namespace

void configure_logging(const log_settings& settings) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (settings.format == log_format::json) {
    formatter->add_flag<json_tenant_flag>('j').add_flag<json_message_flag>('q').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n"%j,"msg":"%q"})");
  } else {
    formatter->add_flag<text_tenant_flag>('k').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %k%v");
  }
  // stderr keeps stdout free for command output; the sink flushes after every line, so a
  // supervisor (or a test) reading the pipe sees "ready" at once.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(std::move(formatter));
  auto logger = std::make_shared<spdlog::logger>(process_logger_name, std::move(sink));
  logger->set_level(to_spdlog(settings.level));
  logger->flush_on(spdlog::level::warn);
  spdlog::drop_all();
  spdlog::set_default_logger(std::move(logger));
}

std::shared_ptr<spdlog::logger> make_tenant_logger(const tenant_id& tenant) {
  std::string name{tenant_logger_prefix};
  name += tenant;
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::default_logger()->clone(name);
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Another thread registered it first: use that one so both share one logger.
    if (auto existing = spdlog::get(name)) return existing;
  }
  return logger;
}

} // namespace m365
