// `m365sync rules preview|purge|explain`: the admin side of exclusion rules over an existing
// store (design.md section 3). `preview` shows what a candidate rule would newly exclude among
// the stored items and a token; `purge` removes exactly those items and stores the rule (one
// transaction with its audit record) only when given the token of an identical preview;
// `explain` shows how the stored rules decide one stored item.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "apps/m365sync/commands.hpp"
#include "rule_admin/rule_purge_plan.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/rule_json.hpp"
#include "store/lmdb_store.hpp"

namespace m365::cli {

namespace {

struct rules_options {
  std::string data_dir;
  std::string rule_file;
  std::string tenant;
  std::string user;
  std::string graph_id;
  std::string token;
  bool json = false;
};

/// Opens <data_dir>/store; read-only unless the command writes. nullptr after printing why.
std::unique_ptr<lmdb_store> open_store(const std::string& data_dir, bool read_only,
                                       int& exit_code) {
  namespace fs = std::filesystem;
  auto store_dir = (fs::path{data_dir} / "store").string();
  std::error_code ec;
  if (!fs::exists(fs::path{store_dir} / "data.mdb", ec)) {
    std::cerr << "error: no store at '" << store_dir
              << "' (is --data-dir the server's data_dir?)\n";
    exit_code = exit_bad_config;
    return nullptr;
  }
  store_options so;
  so.path = store_dir;
  so.read_only = read_only;
  auto store = lmdb_store::open(so);
  if (!store) {
    std::cerr << "error: cannot open the store at '" << store_dir
              << "': " << store.error().to_string() << "\n";
    exit_code = exit_failure;
    return nullptr;
  }
  return std::move(*store);
}

std::string verdict_text(const verdict& v) {
  if (v.rule_id.empty()) return "included (no rule matched)";
  return std::string(v.action == rule_action::exclude ? "excluded" : "included") + " by " +
         v.rule_id + " v" + std::to_string(v.rule_version);
}

std::string level_text(const rule& r) {
  if (r.level == rule_level::org) return "org";
  return std::string(to_string(r.level)) + " " + r.scope;
}

/// The preview as the CLI prints it: the candidate, counts per tenant and user, examples.
void print_preview(std::ostream& out, const rule_preview_report& report) {
  auto& c = report.candidate;
  out << "candidate rule " << c.id << " v" << c.version << " (" << level_text(c) << ", "
      << to_string(c.action) << ", " << to_string(c.applies_to) << ", priority " << c.priority
      << (c.enabled ? "" : ", disabled") << "): " << c.match << "\n";
  out << "stored rules: " << report.stored_rules
      << (report.replaces_stored ? " (the candidate replaces the stored rule " + c.id + ")" : "")
      << "\n";
  out << "scanned " << report.scanned_emails + report.scanned_events << " stored items ("
      << report.scanned_emails << " emails, " << report.scanned_events << " events)\n";
  out << "newly excluded: " << report.total.newly_excluded
      << "  (excluded now " << report.total.excluded_now << ", after "
      << report.total.excluded_after << ", newly included " << report.total.newly_included
      << ")\n";
  if (report.total.newly_excluded > 0) {
    out << "per tenant and user (scanned / newly excluded):\n";
    for (auto& counts : report.per_user) {
      if (counts.newly_excluded == 0) continue;
      out << "  " << counts.tenant << " / " << counts.user << ": " << counts.scanned << " / "
          << counts.newly_excluded << "\n";
    }
    out << "examples:\n";
    for (auto& e : report.examples)
      out << "  " << e.tenant << "/" << e.user << " " << (e.event ? "event" : "email") << " \""
          << e.subject << "\": " << verdict_text(e.now) << " -> " << verdict_text(e.after)
          << "\n";
  }
  out << "preview token: " << report.token << "\n";
}

/// Reads the candidate rule file: rule_from_json, then validated against the store's tenants
/// and users; invalid_argument naming the file and the field when it is not valid.
expected<rule> read_candidate_rule(const lmdb_store& store, const std::string& path) {
  std::ifstream in{path};
  if (!in) return status::invalid_argument("cannot read the rule file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  auto candidate = rule_from_json(text.str());
  if (!candidate)
    return status::invalid_argument("rule file '" + path + "': " + candidate.error().message());
  if (auto s = validate_candidate_rule(store, *candidate); !s)
    return status{s.code(), "rule file '" + path + "': " + s.message()};
  return candidate;
}

/// Reads the candidate and scans the store; nullopt after printing why.
std::optional<purge_plan> plan_of(const lmdb_store& store, const rules_options& opts,
                                  int& exit_code) {
  auto candidate = read_candidate_rule(store, opts.rule_file);
  if (!candidate) {
    std::cerr << "error: " << candidate.error().message() << "\n";
    exit_code = candidate.error().code() == status_code::invalid_argument ? exit_bad_config
                                                                          : exit_failure;
    return std::nullopt;
  }
  auto plan = make_purge_plan(store, std::move(*candidate), opts.tenant);
  if (!plan) {
    std::cerr << "error: preview failed: " << plan.error().to_string() << "\n";
    // An invalid --tenant is the command line's fault, not the store's.
    exit_code = plan.error().code() == status_code::invalid_argument ? exit_bad_config
                                                                     : exit_failure;
    return std::nullopt;
  }
  return std::move(*plan);
}

int run_preview(const rules_options& opts) {
  int exit_code = exit_ok;
  auto store = open_store(opts.data_dir, true, exit_code);
  if (!store) return exit_code;
  auto plan = plan_of(*store, opts, exit_code);
  if (!plan) return exit_code;
  print_preview(std::cout, plan->report);
  std::cout << "to purge these items and store the rule: m365sync rules purge --data-dir "
            << opts.data_dir << " --rule " << opts.rule_file
            << (opts.tenant.empty() ? "" : " --tenant " + opts.tenant) << " --confirm "
            << plan->report.token << "\n";
  return exit_ok;
}

int run_purge(const rules_options& opts) {
  int exit_code = exit_ok;
  auto store = open_store(opts.data_dir, false, exit_code);
  if (!store) return exit_code;
  auto plan = plan_of(*store, opts, exit_code);
  if (!plan) return exit_code;
  if (plan->report.token != opts.token) {
    // The expected token is not printed: the operator must look at the preview to get it.
    std::cerr << "error: --confirm " << opts.token
              << " does not match the preview of this rule over the current store (the rule "
                 "file, --tenant or the stored items changed since, or the token is mistyped). "
                 "Nothing was purged. Run 'm365sync rules preview' again and pass its token.\n";
    return exit_bad_config;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  // One transaction: the items, the rule that excludes them and the audit record.
  if (auto s = store->change_rules(purge_change(*plan, "cli", now)); !s) {
    std::cerr << "error: purge failed, nothing was removed or stored: " << s.to_string()
              << (s.code() == status_code::not_found
                    ? " (a sync changed the store since the scan; preview again)"
                    : "")
              << "\n";
    return exit_failure;
  }
  auto& stored = plan->report.candidate;
  std::cout << "purged " << plan->newly_excluded.size() << " stored items newly excluded by "
            << stored.id << " v" << stored.version << "\n";
  for (auto& counts : plan->report.per_user)
    if (counts.newly_excluded > 0)
      std::cout << "  " << counts.tenant << " / " << counts.user << ": " << counts.newly_excluded
                << "\n";
  std::cout << "stored rule " << stored.id << " v" << stored.version
            << "; audit record: actor cli, action purge\n";
  return exit_ok;
}

int run_explain(const rules_options& opts) {
  int exit_code = exit_ok;
  auto store = open_store(opts.data_dir, true, exit_code);
  if (!store) return exit_code;
  auto rules = store->list_rules();
  if (!rules) {
    std::cerr << "error: cannot read the stored rules: " << rules.error().to_string() << "\n";
    return exit_failure;
  }
  auto set = compiled_rule_set::compile(std::move(*rules));
  if (!set) {
    std::cerr << "error: the stored rules do not compile: " << set.error().to_string() << "\n";
    return exit_failure;
  }
  std::vector<std::string> domains;
  if (auto t = store->get_tenant(opts.tenant)) domains = t->internal_domains;
  item_context ctx;
  ctx.internal_domains = &domains;
  rule_explanation explanation;
  std::string subject;
  if (auto e = store->get_email(opts.tenant, opts.user, opts.graph_id)) {
    explanation = (*set)->explain(*e, ctx);
    subject = e->subject;
  } else if (e.error().code() != status_code::not_found) {
    std::cerr << "error: " << e.error().to_string() << "\n";
    return e.error().code() == status_code::invalid_argument ? exit_bad_config : exit_failure;
  } else if (auto ev = store->get_event(opts.tenant, opts.user, opts.graph_id)) {
    explanation = (*set)->explain(*ev, ctx);
    subject = ev->subject;
  } else if (ev.error().code() == status_code::not_found) {
    std::cerr << "error: no stored email or event " << opts.tenant << "/" << opts.user << "/"
              << opts.graph_id << "\n";
    return exit_failure;
  } else {
    std::cerr << "error: " << ev.error().to_string() << "\n";
    return exit_failure;
  }
  if (opts.json) {
    std::cout << explanation_json(explanation) << "\n";
  } else {
    auto text = explanation_text(explanation);
    std::cout << explanation.item_kind << " " << opts.tenant << "/" << opts.user << "/"
              << opts.graph_id << " \"" << subject << "\"\n"
              << text;
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
  }
  return exit_ok;
}

void add_data_dir(CLI::App* cmd, rules_options& opts) {
  cmd->add_option("-d,--data-dir", opts.data_dir, "The server's data_dir (holds store/)")
    ->required()
    ->type_name("DIR");
}

} // namespace

void register_rules_command(CLI::App& app, int& exit_code) {
  auto* rules = app.add_subcommand("rules", "Preview, purge and explain exclusion rules over "
                                            "the stored items");
  rules->require_subcommand(1);
  auto opts = std::make_shared<rules_options>();

  auto* preview = rules->add_subcommand(
    "preview", "Show how many stored items a candidate rule would newly exclude");
  add_data_dir(preview, *opts);
  preview->add_option("--rule", opts->rule_file, "The candidate rule: one JSON rule object")
    ->required()
    ->type_name("FILE");
  preview->add_option("--tenant", opts->tenant, "Only items of this tenant. Default: every tenant")
    ->type_name("ID");
  preview->footer(
    "Compares the stored rules with the stored rules plus the candidate (replacing a stored "
    "rule of the same id) over every stored email and event, and prints per tenant and user how "
    "many items the candidate would newly exclude, a few examples (subject, verdict now -> "
    "after) and a preview token for 'rules purge'. The rule file holds one object as in a "
    "config file's rules[], e.g. {\"id\": \"no-webinars\", \"level\": \"org\", \"action\": "
    "\"exclude\", \"match\": {\"subject_contains\": \"Webinar\"}}. Read-only: safe while the "
    "server runs; nothing is changed.\n"
    "Exit codes: 0 previewed, 1 store failure, 2 bad arguments, invalid rule or no store.");
  preview->callback([&exit_code, opts] { exit_code = run_preview(*opts); });

  auto* purge = rules->add_subcommand(
    "purge", "Remove the stored items a previewed rule newly excludes, then store the rule");
  add_data_dir(purge, *opts);
  purge->add_option("--rule", opts->rule_file, "The candidate rule previewed before")
    ->required()
    ->type_name("FILE");
  purge->add_option("--tenant", opts->tenant, "The --tenant given to the preview, if any")
    ->type_name("ID");
  purge->add_option("--confirm", opts->token, "The token printed by 'rules preview'")
    ->required()
    ->type_name("TOKEN");
  purge->footer(
    "Recomputes the preview and refuses unless --confirm is its token, so only what the "
    "operator saw is removed: a changed rule file, --tenant or store changes the token. Then "
    "removes the newly excluded items as a Graph deletion would (record, time index, dedupe and "
    "aliases) with one audit record (actor cli, action purge, rule id, version and counts) in "
    "the same transaction as storing the rule. Safe beside a running server (LMDB serialises "
    "writers across processes), but a running server takes rule changes only through its rule "
    "evaluator (the admin API), and reads stored rules only at start: restart it after the "
    "purge, or it keeps storing new items the rule excludes.\n"
    "Exit codes: 0 purged, 1 store failure (nothing purged or stored), 2 bad arguments, invalid "
    "rule or token mismatch (nothing purged).");
  purge->callback([&exit_code, opts] { exit_code = run_purge(*opts); });

  auto* explain =
    rules->add_subcommand("explain", "Show how the stored rules decide one stored item");
  add_data_dir(explain, *opts);
  explain->add_option("--tenant", opts->tenant, "The item's tenant")->required()->type_name("ID");
  explain->add_option("--user", opts->user, "The item's CRM user")->required()->type_name("ID");
  explain->add_option("--id", opts->graph_id, "The item's Graph id (email or event)")
    ->required()
    ->type_name("GRAPH_ID");
  explain->add_flag("--json", opts->json, "Print the explanation as JSON");
  explain->footer(
    "Lists the rules tried for the item, user level first, then tenant, then org, each with "
    "its outcome, up to the rule that decided (or the default include). Uses the rules stored "
    "now, which may differ from the verdict recorded when the item was synced. Read-only.\n"
    "Exit codes: 0 explained, 1 no such item or store failure, 2 bad arguments or no store.");
  explain->callback([&exit_code, opts] { exit_code = run_explain(*opts); });
}

} // namespace m365::cli
