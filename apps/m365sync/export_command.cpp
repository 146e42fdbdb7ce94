// `m365sync export --data-dir D [--tenant T] [--user U] [--kind email|event] [--since ISO]
// [--output FILE]`: stored activities as JSON lines (activity_json.hpp). Opens the store
// read-only, so it runs beside a serving process (LMDB readers never block the writer) and
// sees one consistent snapshot per tenant read.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <unistd.h>

#include "adapters/graph_time.hpp"
#include "apps/m365sync/activity_json.hpp"
#include "apps/m365sync/commands.hpp"
#include "store/lmdb_store.hpp"

namespace m365::cli {

namespace {

struct export_options {
  std::string data_dir;
  std::string tenant;
  std::string user;
  std::string kind;    ///< empty = both
  std::string since;   ///< ISO 8601; empty = everything
  std::string output;  ///< empty or "-" = stdout
};

/// Read page size of a tenant export: bounds memory, not the snapshot.
constexpr size_t export_page = 1000;
/// A progress line on stderr every this many records.
constexpr uint64_t progress_every = 20000;

class line_sink {
public:
  explicit line_sink(std::ostream& out) : out_(out), tty_(::isatty(STDERR_FILENO) == 1) {}

  void write(const std::string& line, bool is_email) {
    out_ << line << '\n';
    ++(is_email ? emails_ : events_);
    if ((emails_ + events_) % progress_every == 0) {
      std::cerr << (tty_ ? "\r" : "") << "exported " << emails_ + events_ << " activities..."
                << (tty_ ? "" : "\n") << std::flush;
    }
  }
  bool failed() const { return !out_; }
  uint64_t emails() const { return emails_; }
  uint64_t events() const { return events_; }
  bool progress_shown() const { return emails_ + events_ >= progress_every; }
  bool tty() const { return tty_; }

private:
  std::ostream& out_;
  bool tty_;
  uint64_t emails_ = 0;
  uint64_t events_ = 0;
};

/// Pages through one tenant by time with the store's index (fast for --tenant/--user/--since).
template <class Read>
status export_tenant(const activity_query& base, Read read, line_sink& sink, bool is_email) {
  activity_query query = base;
  query.limit = export_page;
  for (;;) {
    auto page = read(query);
    if (!page) return page.error();
    for (const auto& item : page->items) sink.write(activity_json_line(item), is_email);
    if (sink.failed()) return status::io_error("writing the output failed");
    if (page->next_cursor.empty()) return status::ok();
    query.cursor = page->next_cursor;
  }
}

int run_export(const export_options& opts) {
  namespace fs = std::filesystem;
  timestamp_ms since = 0;
  if (!opts.since.empty()) {
    // A bare date means its midnight UTC; a time without a zone is read as UTC.
    std::string text = opts.since;
    if (text.size() == 10) text += "T00:00:00Z";
    else if (!text.empty() && !has_utc_offset(text) && text.back() != 'Z') text += 'Z';
    auto parsed = parse_iso8601_utc(text);
    if (!parsed) {
      std::cerr << "error: --since '" << opts.since
                << "' is not an ISO 8601 UTC time (e.g. 2026-01-31 or 2026-01-31T08:00:00Z)\n";
      return exit_bad_config;
    }
    since = *parsed;
  }
  auto store_dir = (fs::path{opts.data_dir} / "store").string();
  std::error_code ec;
  if (!fs::exists(fs::path{store_dir} / "data.mdb", ec)) {
    std::cerr << "error: no store at '" << store_dir
              << "' (is --data-dir the server's data_dir?)\n";
    return exit_bad_config;
  }
  store_options so;
  so.path = store_dir;
  so.read_only = true;
  auto store = lmdb_store::open(so);
  if (!store) {
    std::cerr << "error: cannot open the store at '" << store_dir
              << "': " << store.error().to_string() << "\n";
    return exit_failure;
  }
  std::ofstream file;
  bool to_stdout = opts.output.empty() || opts.output == "-";
  if (!to_stdout) {
    file.open(opts.output, std::ios::out | std::ios::trunc);
    if (!file) {
      std::cerr << "error: cannot write '" << opts.output << "'\n";
      return exit_failure;
    }
  }
  line_sink sink{to_stdout ? std::cout : file};
  bool emails = opts.kind.empty() || opts.kind == "email";
  bool events = opts.kind.empty() || opts.kind == "event";
  const lmdb_store& db = **store;
  status st = status::ok();
  if (!opts.tenant.empty()) {
    activity_query query;
    query.tenant = opts.tenant;
    query.user = opts.user;
    query.since = since;
    if (emails && st) {
      st = export_tenant(query, [&](const activity_query& q) { return db.read_emails(q); }, sink,
                         true);
    }
    if (events && st) {
      st = export_tenant(query, [&](const activity_query& q) { return db.read_events(q); }, sink,
                         false);
    }
  } else {
    // Every tenant, in key order (tenant, user, Graph id); user and time filtered here.
    if (emails && st) {
      st = db.scan_emails("", [&](const email& e) {
        if ((opts.user.empty() || e.user == opts.user) && e.received_at >= since)
          sink.write(activity_json_line(e), true);
        return !sink.failed();
      });
    }
    if (events && st) {
      st = db.scan_events("", [&](const event& e) {
        if ((opts.user.empty() || e.user == opts.user) && e.start >= since)
          sink.write(activity_json_line(e), false);
        return !sink.failed();
      });
    }
    if (st && sink.failed()) st = status::io_error("writing the output failed");
  }
  (to_stdout ? std::cout : file).flush();
  if (st && sink.failed()) st = status::io_error("writing the output failed");
  if (sink.progress_shown() && sink.tty()) std::cerr << "\n";
  if (!st) {
    std::cerr << "error: export failed after " << sink.emails() + sink.events()
              << " activities: " << st.to_string() << "\n";
    return exit_failure;
  }
  std::cerr << "exported " << sink.emails() + sink.events() << " activities (" << sink.emails()
            << " emails, " << sink.events() << " events)"
            << (to_stdout ? std::string{} : " to " + opts.output) << "\n";
  return exit_ok;
}

} // namespace

void register_export_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("export", "Write stored emails and events as JSON lines");
  auto opts = std::make_shared<export_options>();
  cmd->add_option("-d,--data-dir", opts->data_dir, "The server's data_dir (holds store/)")
    ->required()
    ->type_name("DIR");
  cmd->add_option("--tenant", opts->tenant, "Only this tenant. Default: every tenant")
    ->type_name("ID");
  cmd->add_option("--user", opts->user, "Only this CRM user. Default: every user")
    ->type_name("ID");
  cmd->add_option("--kind", opts->kind, "Only emails or only events. Default: both")
    ->check(CLI::IsMember({"email", "event"}))
    ->type_name("email|event");
  cmd->add_option("--since", opts->since,
                  "Only activities at or after this UTC time (emails: received, events: start)")
    ->type_name("ISO");
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of stdout")
    ->type_name("FILE");
  cmd->footer("One JSON object per line: kind, tenant, user, mailbox, graph_id, "
              "internet_message_id or ical_uid, subject, folder, times (ISO 8601 UTC), "
              "participants and the deciding rule (id, version, action; null when no rule "
              "matched). Opens the store read-only: safe while the server runs. Progress and "
              "the final count go to stderr.\n"
              "Exit codes: 0 written, 1 store or I/O failure, 2 bad arguments or no store.");
  cmd->callback([&exit_code, opts] { exit_code = run_export(*opts); });
}

} // namespace m365::cli
