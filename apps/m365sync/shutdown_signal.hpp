// Ownership: one per process, created on the main thread BEFORE any other thread starts (CAF's
// scheduler, asio), because threads inherit the signal mask at creation.
#pragma once

#include <csignal>

namespace m365::cli {

/// SIGINT and SIGTERM as an orderly shutdown request: the constructor blocks both in the
/// calling thread (and so in every thread started later), so they stay pending until wait()
/// takes one with sigwait. No handler runs in an arbitrary thread; nothing polls.
class shutdown_signal {
public:
  shutdown_signal();
  ~shutdown_signal();
  shutdown_signal(const shutdown_signal&) = delete;
  shutdown_signal& operator=(const shutdown_signal&) = delete;

  /// Blocks the calling thread until SIGINT or SIGTERM arrives; returns the signal number
  /// (-1 if sigwait failed, which a valid set never does).
  int wait();

  /// "SIGINT", "SIGTERM", or "signal N".
  static const char* name(int signal_number) noexcept;

private:
  sigset_t set_;
  sigset_t previous_;
};

} // namespace m365::cli
