// Ownership: one per test; removes its directory tree on destruction. Not thread-safe.
// The one temporary-directory helper of the test suite: a fresh directory under $TMPDIR (or
// /tmp) for the files a test writes (configs, keys, stores).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace m365::test {

class temp_directory {
public:
  temp_directory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string{base != nullptr ? base : "/tmp"} + "/m365sync-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_directory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  /// Writes `content` to `name` inside the directory and returns the full path.
  std::string write(const std::string& name, const std::string& content) const {
    auto p = file(name);
    std::ofstream out{p, std::ios::binary | std::ios::trunc};
    out << content;
    return p;
  }

private:
  std::string path_;
};

} // namespace m365::test
