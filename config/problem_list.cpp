// Problem lines and their rendering as one status.
#include "config/problem_list.hpp"

namespace m365 {

void problem_list::add(const std::string& path, const std::string& what) {
  lines_.push_back(path.empty() ? what : path + ": " + what);
}

status problem_list::to_status(const std::string& source) const {
  std::string message = source + ": " + std::to_string(lines_.size())
                        + (lines_.size() == 1 ? " problem" : " problems");
  for (const auto& line : lines_) {
    message += "\n  ";
    message += line;
  }
  return status::invalid_argument(std::move(message));
}

} // namespace m365
