// Operators grep logs by tenant: every line a tenant's logger writes must carry the tenant id, in
// both formats, and JSON lines must stay valid JSON whatever the message holds.
#include <catch2/catch.hpp>

#include <cstdio>

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "config/log_setup.hpp"
#include "config/small_file.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

namespace {

/// Runs `body` with file descriptor 2 pointed at a file and returns what was written there.
template <class F>
std::string capture_stderr(const temp_directory& dir, F body) {
  auto path = dir.file("stderr.txt");
  std::fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  FILE* file = std::fopen(path.c_str(), "w");
  ::dup2(::fileno(file), STDERR_FILENO);
  body();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);
  return read_small_file(path, 1 << 20).value();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

} // namespace

TEST_CASE("text log lines of a tenant logger carry the tenant id", "[config][logging]") {
  temp_directory dir;
  auto out = capture_stderr(dir, [] {
    configure_logging({log_verbosity::info, log_format::text});
    spdlog::info("process line");
    make_tenant_logger("contoso")->info("page {} committed", 3);
    make_tenant_logger("contoso")->debug("below the threshold");
    make_tenant_logger("fabrikam")->warn("throttled");
  });
  auto lines = split_lines(out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find(" info process line") != std::string::npos);
  CHECK(lines[0].find("tenant=") == std::string::npos);
  CHECK(lines[1].find(" info [tenant=contoso] page 3 committed") != std::string::npos);
  CHECK(lines[2].find(" warning [tenant=fabrikam] throttled") != std::string::npos);
  CHECK(lines[1].find('Z') == 23);  // 2026-11-26T22:14:23.101Z: UTC, milliseconds
  CHECK(make_tenant_logger("contoso") == make_tenant_logger("contoso"));
}

TEST_CASE("json log lines are valid JSON with a tenant field", "[config][logging]") {
  temp_directory dir;
  auto out = capture_stderr(dir, [] {
    configure_logging({log_verbosity::debug, log_format::json});
    make_tenant_logger("contoso")->debug("subject \"quoted\"\\ and\nnewline\t\x01");
    spdlog::info("process");
  });
  auto lines = split_lines(out);
  REQUIRE(lines.size() == 2);
  auto tenant_line = boost::json::parse(lines[0]).as_object();
  CHECK(tenant_line.at("tenant").as_string() == "contoso");
  CHECK(tenant_line.at("logger").as_string() == "tenant.contoso");
  CHECK(tenant_line.at("level").as_string() == "debug");
  CHECK(tenant_line.at("msg").as_string() == "subject \"quoted\"\\ and\nnewline\t\x01");
  auto process_line = boost::json::parse(lines[1]).as_object();
  CHECK_FALSE(process_line.contains("tenant"));
  CHECK(process_line.at("logger").as_string() == "m365sync");
}
