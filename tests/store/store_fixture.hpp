// Ownership: test-only helpers, one thread. A fresh temporary directory per test (removed on
// destruction) and a raw dump of every named database of an environment.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_directory.hpp"

namespace m365::test {

/// Every key and value of every named database: database name -> sorted (key, value) pairs.
using env_dump = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

/// Dumps the environment at `path` through a raw read-only LMDB environment. The store must
/// not be open in this process (LMDB forbids opening one environment twice per process).
env_dump dump_environment(const std::string& path);

/// Every (hash, owner record key) of the dump's dedupe journal, in journal order.
std::vector<std::pair<uint64_t, std::string>> journal_entries(const env_dump& dump);

/// Writes `value` under `key` of the named database `db` with raw LMDB, as a foreign or torn
/// write would (fault injection). The store must not be open in this process. Throws on error.
void raw_put(const std::string& path, const std::string& db, const std::string& key,
             const std::string& value);

} // namespace m365::test
