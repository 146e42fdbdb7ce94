// Blocking SIGINT/SIGTERM and taking them synchronously with sigwait.
#include "apps/m365sync/shutdown_signal.hpp"

#include <pthread.h>

namespace m365::cli {

shutdown_signal::shutdown_signal() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
}

shutdown_signal::~shutdown_signal() {
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int shutdown_signal::wait() {
  int signal_number = 0;
  // sigwait fails only for an invalid set, which the constructor rules out.
  return sigwait(&set_, &signal_number) == 0 ? signal_number : -1;
}

const char* shutdown_signal::name(int signal_number) noexcept {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
  }
  return "signal";
}

} // namespace m365::cli
