// SIGTERM and SIGINT as a readable fd, for the long-running actions (serve, idle).
//
// Inside a Docker or Podman container the probe is PID 1, and PID 1 gets no default
// signal actions: an unhandled SIGTERM is simply dropped and `docker stop` waits out its
// grace period. Blocking the signals and reading them from a signalfd works for PID 1
// too (blocked signals are queued, not ignored) and fits an event loop.
#pragma once

#include "netimpl/base/unique_fd.h"

namespace nc::probe {

// Blocks SIGTERM and SIGINT for the process and returns a signalfd that becomes readable
// when one arrives; invalid (errno set) on failure. Call before announcing readiness.
UniqueFd termination_signals();

// Blocks until SIGTERM or SIGINT arrives on the fd from termination_signals().
void wait_for_termination(int signal_fd);

}  // namespace nc::probe
