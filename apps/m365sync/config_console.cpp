// Config summaries and problem listings for the command line.
#include "apps/m365sync/config_console.hpp"

#include <map>

#include <sys/stat.h>


namespace m365::cli {

config_load_options cli_load_options() {
  return config_load_options{};
}

std::string inline_secret_exposure(const config& cfg) {
  std::string tenants;
  for (const auto& t : cfg.tenants) {
    if (!t.inline_secret) continue;
    tenants += tenants.empty() ? "" : ", ";
    tenants += t.settings.id;
  }
  struct stat st {};
  if (tenants.empty() || cfg.source.empty() || ::stat(cfg.source.c_str(), &st) != 0
      || (st.st_mode & 077) == 0) {
    return {};
  }
  return "config file " + cfg.source + " holds the client secret of " + tenants
         + " and group or others may read it; run 'chmod 600 " + cfg.source
         + "' or move the secrets to client_secret_file";
}

void print_config_problems(const status& problems, std::ostream& out) {
  out << "error: " << problems.message() << "\n";
}

void print_config_summary(const config& cfg, std::ostream& out) {
  const auto& s = cfg.server;
  out << "config " << cfg.source << ": ok\n"
      << "  data_dir         " << s.data_dir << " (store in " << s.data_dir << "/store)\n"
      << "  listen           " << (s.listen_host.find(':') != std::string::npos ? "[" : "")
      << s.listen_host << (s.listen_host.find(':') != std::string::npos ? "]" : "") << ":"
      << s.listen_port << "\n"
      << "  master_key_file  " << s.master_key_file << "\n"
      << "  admin_key_file   " << s.admin_key_file << "\n"
      << "  log              " << to_string(s.log.level) << ", " << to_string(s.log.format) << "\n"
      << "  threads          " << (s.threads == 0 ? std::string{"one per core"}
                                                  : std::to_string(s.threads))
      << "\n";
  std::map<std::string, size_t> users_per_tenant;
  for (const auto& u : cfg.users) ++users_per_tenant[u.tenant];
  out << "tenants: " << cfg.tenants.size() << "\n";
  for (const auto& t : cfg.tenants) {
    const auto& ts = t.settings;
    out << "  " << ts.id << (ts.enabled ? "" : " (disabled)") << ": directory " << ts.directory_id
        << ", credential "
        << (ts.credential == credential_kind::client_secret  ? "client secret"
            : ts.credential == credential_kind::certificate ? "certificate"
                                                            : "none (set it through the API)")
        << ", " << users_per_tenant[ts.id] << " users, mail every " << ts.email_interval_s
        << " s, calendar every " << ts.calendar_interval_s << " s\n"
        << "    graph " << ts.graph << ", authority " << ts.authority << "\n";
  }
  out << "users: " << cfg.users.size() << "\n";
  std::map<rule_level, size_t> rules_per_level;
  size_t disabled = 0;
  for (const auto& r : cfg.rules) {
    ++rules_per_level[r.level];
    if (!r.enabled) ++disabled;
  }
  out << "rules: " << cfg.rules.size() << " (org " << rules_per_level[rule_level::org]
      << ", tenant " << rules_per_level[rule_level::tenant] << ", user "
      << rules_per_level[rule_level::user] << "; " << disabled << " disabled)\n";
}

} // namespace m365::cli
