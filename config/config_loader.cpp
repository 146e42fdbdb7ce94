// Config file -> validated config, collecting every problem before answering.
#include "config/config_loader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "config/duplicate_keys.hpp"
#include "config/endpoint_policy.hpp"
#include "config/object_reader.hpp"
#include "config/small_file.hpp"
#include "messages/ids.hpp"
#include "rules/memory_rule_catalog.hpp"
#include "rules/rule_json.hpp"
#include "rules/rule_validation.hpp"

namespace m365 {

namespace {

/// Secrets, keys and certificates are small; anything bigger is a wrong path.
constexpr size_t max_credential_file_size = size_t{1} << 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

/// Absolute, normalized path; relative ones are taken from the config file's directory.
std::string resolve_path(const std::string& base_dir, const std::string& p) {
  std::filesystem::path path{p};
  if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path{base_dir} / path;
  return path.lexically_normal().string();
}

/// 1-based line and column of byte `offset` in `text`.
std::string describe_position(std::string_view text, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// Parses JSON with comments and trailing commas; on failure says where.
std::optional<boost::json::value> parse_document(std::string_view text, problem_list& problems) {
  boost::json::parse_options opts;
  opts.allow_comments = true;
  opts.allow_trailing_commas = true;
  boost::json::parser parser{boost::json::storage_ptr{}, opts};
  boost::json::error_code ec;
  size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) {
    // write_some stops after a complete value; anything but whitespace after it is an error.
    auto rest = text.substr(consumed);
    auto pos = rest.find_first_not_of(" \t\r\n");
    if (pos != std::string_view::npos) {
      problems.add("", "invalid JSON at " + describe_position(text, consumed + pos)
                         + ": unexpected text after the document");
      return std::nullopt;
    }
  }
  if (ec) {
    problems.add("", "invalid JSON at " + describe_position(text, consumed) + ": "
                       + ec.message());
    return std::nullopt;
  }
  find_duplicate_keys(text.substr(0, consumed), opts, problems);
  return parser.release();
}

// -- enums --------------------------------------------------------------------------------------

template <class Enum>
bool read_enum(object_reader& reader, std::string_view key, Enum& out,
               std::initializer_list<std::pair<const char*, Enum>> choices,
               presence p = presence::optional) {
  std::string text;
  if (!reader.read_string(key, text, p)) return false;
  for (const auto& [name, value] : choices) {
    if (text == name) {
      out = value;
      return true;
    }
  }
  std::string names;
  for (const auto& choice : choices) {
    if (!names.empty()) names += ", ";
    names += choice.first;
  }
  reader.problems().add(reader.path_of(key), "must be one of " + names + " (got '" + text + "')");
  return false;
}

// -- server -------------------------------------------------------------------------------------

void read_listen(object_reader& root, server_config& out) {
  std::string listen;
  if (!root.read_string("listen", listen)) return;
  auto colon = listen.rfind(':');
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close != std::string::npos && close + 1 == colon) {
      host = listen.substr(1, close - 1);
      port = listen.substr(colon + 1);
    }
  } else if (colon != std::string::npos && listen.find(':') == colon) {
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  bool digits = !port.empty() && port.size() <= 5
                && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  unsigned long number = digits ? std::stoul(port) : 0;
  if (host.empty() || number < 1 || number > 65535) {
    root.problems().add(root.path_of("listen"),
                        "must be host:port with a port from 1 to 65535, IPv6 as [::1]:8700 (got '"
                          + listen + "')");
    return;
  }
  out.listen_host = host;
  out.listen_port = static_cast<uint16_t>(number);
}

void read_server(object_reader& root, const std::string& base_dir, server_config& out) {
  if (root.read_string("data_dir", out.data_dir, presence::required)) {
    out.data_dir = resolve_path(base_dir, out.data_dir);
  }
  read_listen(root, out);
  if (root.read_string("admin_key_file", out.admin_key_file)) {
    out.admin_key_file = resolve_path(base_dir, out.admin_key_file);
  } else if (!out.data_dir.empty()) {
    out.admin_key_file = resolve_path(out.data_dir, "admin.key");
  }
  if (root.read_string("master_key_file", out.master_key_file)) {
    out.master_key_file = resolve_path(base_dir, out.master_key_file);
  } else if (!out.data_dir.empty()) {
    out.master_key_file = resolve_path(out.data_dir, "master.key");
  }
  if (auto* log = root.read_object("log")) {
    object_reader reader{*log, root.path_of("log"), root.problems()};
    read_enum(reader, "level", out.log.level,
              {{"trace", log_verbosity::trace},
               {"debug", log_verbosity::debug},
               {"info", log_verbosity::info},
               {"warn", log_verbosity::warn},
               {"error", log_verbosity::error}});
    read_enum(reader, "format", out.log.format,
              {{"text", log_format::text}, {"json", log_format::json}});
    reader.report_unknown_keys();
  }
  root.read_uint32("threads", out.threads, 0, 1024);
}

// -- tenants ------------------------------------------------------------------------------------

/// Reads a secret-bearing file named by `key`, resolving it against `base_dir`.
bool read_credential_file(object_reader& reader, std::string_view key,
                          const std::string& base_dir, std::string& out) {
  std::string file;
  if (!reader.read_string(key, file)) return false;
  auto content = read_small_file(resolve_path(base_dir, file), max_credential_file_size);
  if (!content) {
    reader.problems().add(reader.path_of(key), content.error().message());
    return false;
  }
  out = std::move(*content);
  return true;
}

void read_credential(object_reader& tenant, const std::string& base_dir,
                     credential_material& out, bool& inline_secret) {
  auto* object = tenant.read_object("credential");
  if (object == nullptr) return;
  object_reader reader{*object, tenant.path_of("credential"), tenant.problems()};
  auto& problems = reader.problems();
  reader.read_string("client_id", out.client_id, presence::required);
  auto given = [object](const char* key) {
    auto* v = object->if_contains(key);
    return v != nullptr && !v->is_null();
  };
  bool has_secret = given("client_secret");
  bool has_secret_file = given("client_secret_file");
  bool has_certificate = given("certificate_file");
  bool has_key = given("private_key_file");
  int forms = int{has_secret} + int{has_secret_file} + int{has_certificate || has_key};
  if (forms == 0) {
    problems.add(reader.path(), "needs client_secret, client_secret_file, or certificate_file "
                                "with private_key_file");
  } else if (forms > 1) {
    problems.add(reader.path(), "give only one of client_secret, client_secret_file, or "
                                "certificate_file with private_key_file");
  }
  inline_secret = reader.read_string("client_secret", out.client_secret);
  if (read_credential_file(reader, "client_secret_file", base_dir, out.client_secret)) {
    // `echo secret > file` leaves a newline that is not part of the secret.
    while (!out.client_secret.empty() && std::isspace(static_cast<unsigned char>(
                                           out.client_secret.back()))) {
      out.client_secret.pop_back();
    }
    if (out.client_secret.empty()) {
      problems.add(reader.path_of("client_secret_file"), "the file is empty");
    }
  }
  bool got_certificate = read_credential_file(reader, "certificate_file", base_dir,
                                              out.certificate_pem);
  bool got_key = read_credential_file(reader, "private_key_file", base_dir, out.private_key_pem);
  if (has_certificate && !has_key) {
    problems.add(reader.path_of("private_key_file"), "is required with certificate_file");
  } else if (has_key && !has_certificate) {
    problems.add(reader.path_of("certificate_file"), "is required with private_key_file");
  } else if (got_certificate && got_key) {
    if (auto st = check_certificate_pair(out); !st) problems.add(reader.path(), st.message());
  }
  reader.report_unknown_keys();
}

void read_endpoint(object_reader& reader, std::string_view key, std::string& out) {
  std::string url;
  if (!reader.read_string(key, url)) return;
  if (auto st = check_endpoint_url(url); !st) {
    reader.problems().add(reader.path_of(key), st.message());
    return;
  }
  // Callers append paths ("/oauth2/v2.0/token"); a trailing slash would double it.
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  out = std::move(url);
}

void read_tenant(object_reader& reader, const std::string& base_dir, tenant_declaration& out) {
  auto& t = out.settings;
  auto& problems = reader.problems();
  if (reader.read_string("id", t.id, presence::required) && !is_valid_tenant_id(t.id)) {
    problems.add(reader.path_of("id"), "must be 1 to 63 characters of a-z, 0-9 and '-', not "
                                       "starting with '-' (got '" + t.id + "')");
  }
  if (!reader.read_string("display_name", t.display_name)) t.display_name = t.id;
  reader.read_string("directory_id", t.directory_id, presence::required);
  read_endpoint(reader, "authority", t.authority);
  read_endpoint(reader, "graph", t.graph);
  if (reader.read_string("ca_file", t.ca_file)) {
    t.ca_file = resolve_path(base_dir, t.ca_file);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(t.ca_file, ec)) {
      problems.add(reader.path_of("ca_file"), "'" + t.ca_file + "' does not exist or is not a "
                                                                "regular file");
    }
  }
  read_credential(reader, base_dir, out.credential, out.inline_secret);
  t.client_id = out.credential.client_id;
  t.credential = out.credential.kind();
  if (reader.read_string_list("internal_domains", t.internal_domains)) {
    for (size_t i = 0; i < t.internal_domains.size(); ++i) {
      auto& domain = t.internal_domains[i];
      domain = lower(domain);
      if (domain.find_first_of("@/ \t") != std::string::npos || domain.find('.') == std::string::npos) {
        problems.add(indexed(reader.path_of("internal_domains"), i),
                     "must be a domain name such as contoso.com (got '" + domain + "')");
      }
    }
  }
  if (reader.read_string_list("folders", t.folders) && t.folders.empty()) {
    problems.add(reader.path_of("folders"), "must list at least one folder");
  }
  if (auto* schedule = reader.read_object("schedule")) {
    object_reader s{*schedule, reader.path_of("schedule"), problems};
    s.read_uint32("email_interval_s", t.email_interval_s, 1, UINT32_MAX);
    s.read_uint32("calendar_interval_s", t.calendar_interval_s, 1, UINT32_MAX);
    s.report_unknown_keys();
  }
  if (auto* window = reader.read_object("calendar_window")) {
    object_reader w{*window, reader.path_of("calendar_window"), problems};
    w.read_uint32("past_days", t.calendar_past_days, 0, 3650);
    w.read_uint32("future_days", t.calendar_future_days, 1, 3650);
    w.report_unknown_keys();
  }
  reader.read_uint32("page_size", t.page_size, 1, 1000);
  reader.read_bool("push_attendees", t.push_attendees);
  reader.read_bool("enabled", t.enabled);
  reader.report_unknown_keys();
}

// -- users --------------------------------------------------------------------------------------

void read_user(object_reader& reader, user_assignment& out) {
  if (reader.read_string("id", out.user, presence::required) && !is_valid_user_id(out.user)) {
    reader.problems().add(reader.path_of("id"), "must be 1 to 128 printable characters without "
                                                "spaces or '/' (got '" + out.user + "')");
  }
  reader.read_string("tenant", out.tenant, presence::required);
  reader.read_string("mailbox", out.mailbox, presence::required);
  reader.report_unknown_keys();
}

// -- rules --------------------------------------------------------------------------------------

/// rules/'s decoder (the one that API bodies go through too), its problems under this rule's
/// path. Returns what it found, for the cross checks.
std::vector<rule_problem> read_rule(const boost::json::object& object, const std::string& path,
                                    problem_list& problems, rule& out) {
  std::vector<rule_problem> found;
  out = decode_rule(object, nullptr, found);
  for (const auto& p : found) problems.add(p.path.empty() ? path : path + "." + p.path, p.what);
  return found;
}

/// True when one of `found` is about `field` or something inside it.
bool concerns(const std::vector<rule_problem>& found, const std::string& field) {
  return std::any_of(found.begin(), found.end(), [&](const rule_problem& p) {
    return p.path == field || p.path.rfind(field + ".", 0) == 0 || p.path.rfind(field + "[", 0) == 0;
  });
}

// -- cross checks -------------------------------------------------------------------------------

/// Flags ids seen twice; returns id -> index of its first occurrence.
template <class T, class Id>
std::map<std::string, size_t> index_ids(const std::vector<T>& items, Id id_of,
                                        const std::string& list, const char* what,
                                        problem_list& problems) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& id = id_of(items[i]);
    if (id.empty()) continue;  // already reported as missing
    auto [it, inserted] = first.emplace(id, i);
    if (!inserted) {
      problems.add(indexed(list, i) + ".id", std::string{"duplicate "} + what + " id '" + id
                                               + "' (first declared at " + indexed(list, it->second)
                                               + ")");
    }
  }
  return first;
}

void check_references(config& cfg, const std::vector<std::vector<rule_problem>>& rule_problems,
                      problem_list& problems) {
  auto tenants = index_ids(cfg.tenants, [](const tenant_declaration& t) -> const std::string& {
    return t.settings.id;
  }, "tenants", "tenant", problems);
  auto users = index_ids(cfg.users, [](const user_assignment& u) -> const std::string& {
    return u.user;
  }, "users", "user", problems);
  index_ids(cfg.rules, [](const rule& r) -> const std::string& { return r.id; }, "rules", "rule",
            problems);
  std::map<std::pair<std::string, std::string>, size_t> mailboxes;
  for (size_t i = 0; i < cfg.users.size(); ++i) {
    const auto& u = cfg.users[i];
    if (!u.tenant.empty() && tenants.count(u.tenant) == 0) {
      problems.add(indexed("users", i) + ".tenant", "refers to undeclared tenant '" + u.tenant
                                                      + "' (declare it in tenants[])");
    }
    if (u.mailbox.empty()) continue;
    auto [it, inserted] = mailboxes.emplace(std::make_pair(u.tenant, lower(u.mailbox)), i);
    if (!inserted) {
      problems.add(indexed("users", i) + ".mailbox",
                   "mailbox '" + u.mailbox + "' of tenant '" + u.tenant
                     + "' is already assigned to " + indexed("users", it->second)
                     + " (one mailbox, one user)");
    }
  }
  // A rule's scope must name a declared tenant or user, and its leaves must suit its kinds:
  // validate_rule()'s checks, over the file's own declarations.
  memory_rule_catalog catalog;
  for (const auto& t : cfg.tenants) catalog.add_tenant(t.settings.id);
  for (const auto& u : cfg.users) catalog.add_user(u);
  for (size_t i = 0; i < cfg.rules.size(); ++i) {
    const auto& r = cfg.rules[i];
    const auto& decoded = rule_problems[i];
    std::vector<rule_problem> found;
    if (!concerns(decoded, "level") && !concerns(decoded, "scope")) {
      check_rule_catalog(r, catalog, found);
    }
    predicate_node tree;
    std::vector<rule_problem> ignored;  // reported by read_rule already
    if (!concerns(decoded, "level") && !concerns(decoded, "applies_to")
        && !concerns(decoded, "match") && check_rule_match(r.match, ignored, &tree)) {
      check_rule_applies_to(r, tree, found, nullptr);
    }
    for (const auto& p : found) problems.add(indexed("rules", i) + "." + p.path, p.what);
  }
}

} // namespace

expected<config> parse_config(std::string_view text, const std::string& base_dir,
                              const std::string& source, const config_load_options& options) {
  problem_list problems;
  auto document = parse_document(text, problems);
  if (!document) return problems.to_status(source);
  if (!document->is_object()) {
    problems.add("", std::string{"the document must be a JSON object (got "}
                       + object_reader::describe_type(*document) + ")");
    return problems.to_status(source);
  }
  config cfg;
  object_reader root{document->get_object(), "", problems};
  read_server(root, base_dir, cfg.server);
  if (auto* tenants = root.read_array("tenants")) {
    for (size_t i = 0; i < tenants->size(); ++i) {
      auto path = indexed("tenants", i);
      if (!(*tenants)[i].is_object()) {
        problems.add(path, std::string{"must be an object (got "}
                             + object_reader::describe_type((*tenants)[i]) + ")");
        continue;
      }
      object_reader reader{(*tenants)[i].get_object(), path, problems};
      read_tenant(reader, base_dir, cfg.tenants.emplace_back());
    }
  }
  if (auto* users = root.read_array("users")) {
    for (size_t i = 0; i < users->size(); ++i) {
      auto path = indexed("users", i);
      if (!(*users)[i].is_object()) {
        problems.add(path, std::string{"must be an object (got "}
                             + object_reader::describe_type((*users)[i]) + ")");
        continue;
      }
      object_reader reader{(*users)[i].get_object(), path, problems};
      read_user(reader, cfg.users.emplace_back());
    }
  }
  std::vector<std::vector<rule_problem>> rule_problems;  // index-aligned with cfg.rules
  if (auto* rules = root.read_array("rules")) {
    for (size_t i = 0; i < rules->size(); ++i) {
      auto path = indexed("rules", i);
      if (!(*rules)[i].is_object()) {
        problems.add(path, std::string{"must be an object (got "}
                             + object_reader::describe_type((*rules)[i]) + ")");
        // A placeholder keeps cfg.rules[i] at rules[i] for the messages of the cross checks.
        cfg.rules.emplace_back();
        rule_problems.push_back({{"", "not an object"}});
        continue;
      }
      rule_problems.push_back(read_rule((*rules)[i].get_object(), path, problems,
                                        cfg.rules.emplace_back()));
    }
  }
  root.report_unknown_keys();
  check_references(cfg, rule_problems, problems);
  if (!problems.empty()) return problems.to_status(source);
  return cfg;
}

expected<config> load_config(const std::string& path, const config_load_options& options) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec).lexically_normal();
  auto text = read_small_file(absolute.string(), options.max_file_size);
  if (!text) return text.error();
  auto cfg = parse_config(*text, absolute.parent_path().string(), absolute.string(), options);
  if (cfg) cfg->source = absolute.string();
  return cfg;
}

} // namespace m365
