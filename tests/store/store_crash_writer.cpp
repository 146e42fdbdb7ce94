// store_crash_writer <store dir> <seed>: resumes every stream of crash_layout.hpp from its
// stored link and commits pages forever in random groups (1..3 pages per transaction). After
// each commit returns it writes one line per page, "<stream> <page>\n", with write(2) straight
// to stdout (no buffering), so every line the parent reads is an acknowledged page.
// The parent (crash_test) SIGKILLs it at random points.
//
// store_crash_writer <store dir> hold-reader: opens the store, starts a scan (a read
// transaction), prints "reading\n" and blocks inside it until killed: a stale reader slot.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "store/lmdb_store.hpp"
#include "tests/store/crash_layout.hpp"

using namespace m365;

namespace {

void write_all(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    auto n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) std::_Exit(3);
    done += static_cast<size_t>(n);
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: store_crash_writer <store dir> <seed>\n");
    return 64;
  }
  store_options options;
  options.path = argv[1];
  options.initial_map_size = size_t{1} << 20;  // growth under crashes too
  options.dedupe_compact_floor = crash::compact_floor;  // compactions under crashes too
  auto opened = lmdb_store::open(options);
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.error().to_string().c_str());
    return 2;
  }
  auto& store = *opened.value();
  if (std::string(argv[2]) == "hold-reader") {
    auto s = store.scan_emails({}, [](const email&) {
      write_all("reading\n");
      char byte;
      while (::read(STDIN_FILENO, &byte, 1) != 0) {
      }
      return false;
    });
    return s ? 0 : 2;
  }
  std::vector<uint64_t> next(crash::stream_count, 0);
  for (size_t i = 0; i < crash::stream_count; ++i) {
    auto s = crash::stream_at(i);
    auto link = store.get_link(s.tenant, s.user, s.folder);
    if (link) next[i] = std::stoull(link->url.substr(5)) + 1;
    else if (link.error().code() != status_code::not_found) return 2;
  }
  std::mt19937_64 rng{std::strtoull(argv[2], nullptr, 10)};
  for (;;) {
    std::vector<email_page> pages;
    std::vector<size_t> streams;
    size_t group = 1 + rng() % 3;
    for (size_t g = 0; g < group; ++g) {
      size_t index = rng() % crash::stream_count;
      pages.push_back(crash::make_page(index, next[index]++));
      streams.push_back(index);
    }
    write_batch batch;
    for (auto& p : pages) batch.add(p);
    auto acks = store.commit(batch);
    if (!acks) {
      std::fprintf(stderr, "commit: %s\n", acks.error().to_string().c_str());
      return 2;
    }
    std::string lines;
    for (size_t g = 0; g < pages.size(); ++g)
      lines += std::to_string(streams[g]) + " " + pages[g].link.url.substr(5) + "\n";
    write_all(lines);
  }
}
