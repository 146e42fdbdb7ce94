// Test support: loads Microsoft's sample bodies from $M365_FIXTURES/graph into padded buffers.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "adapters/padded_body.hpp"

namespace m365::test {

inline std::string fixture_text(const std::string& name) {
  const char* root = std::getenv("M365_FIXTURES");
  std::string path = std::string(root ? root : "tests/fixtures") + "/graph/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("missing fixture " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline padded_body fixture_body(const std::string& name) {
  return padded_body{fixture_text(name)};
}

} // namespace m365::test
