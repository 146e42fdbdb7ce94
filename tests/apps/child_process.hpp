// Ownership: one per spawned child; owns the read end of the child's output pipe and reaps the
// child on destruction (killing it first if it still runs). Use from one thread.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace m365::testing {

/// Runs a program with stdout and stderr merged into one pipe that the test reads. Waiting is
/// done with poll() against a deadline on that pipe: no sleeps.
class child_process {
public:
  explicit child_process(const std::vector<std::string>& argv);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Reads output until it contains `needle` (true) or EOF/the deadline (false).
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

  /// Reads output to EOF and reaps the child; returns its exit code, or 128 + signal number
  /// when a signal ended it, or -1 when it did not end before the deadline.
  int wait_for_exit(std::chrono::milliseconds timeout);

  void send_signal(int signal_number);

  /// Everything read so far.
  const std::string& output() const noexcept { return output_; }

private:
  /// One poll+read step; false at EOF or when the deadline passed.
  bool read_some(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool eof_ = false;
  int exit_code_ = -1;
  std::string output_;
};

/// Runs a program to completion and returns {exit code, merged output}.
struct run_result {
  int exit_code;
  std::string output;
};
run_result run_to_end(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds{60});

} // namespace m365::testing
