// The inside half of run_in_lab(): the lab's init (PID 1) and its runner (PID 2).
// Internal to the lab module; lab.h is the contract.
#pragma once

#include <signal.h>

#include <functional>

#include "harness/lab/lab.h"

namespace nc::lab::detail {

// Everything init needs, prepared by the caller before clone(). Init gets a copy of the
// caller's memory, so plain pointers stay valid there.
struct InitArgs {
  const LabOptions* opts = nullptr;
  std::function<int()>* body = nullptr;
  int caller_pidfd = -1;  // readable once the caller has exited
  int status_fd = -1;     // write end: a setup failure is reported here as text
  int caller_sigfd = -1;  // the caller's signalfd; not needed inside
  sigset_t runner_mask;   // the caller's signal mask before run_in_lab blocked anything
};

// The clone() entry point. Never returns: init _exit()s with the runner's status.
int init_main(void* args);

}  // namespace nc::lab::detail
