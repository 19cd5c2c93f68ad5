// Cgroup directories left by dead runs.
//
// Daemons create cgroup directories for their containers below the cgroup parent we give
// them; those outlive a SIGKILL of the run as empty directories (the processes die with
// the lab, the directories stay). Every run names its parent after itself,
// "netconform-<pid of the outer netconform>", and sweep_dead_run_cgroups() removes such
// directories whose run is gone (no live process with that pid named "netconform").
// Only empty directories are removed (rmdir, deepest first): a cgroup that still holds a
// process cannot be removed and is reported, never forced.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "netimpl/base/error.h"

namespace nc::runtimes {

inline constexpr std::string_view kCgroupPrefix = "netconform-";

std::string run_cgroup_name(pid_t outer_pid);

// True when `pid` is a live netconform process.
bool run_alive(pid_t pid);

struct SweepResult {
  std::vector<std::string> removed;   // the run directories removed, full paths
  std::vector<std::string> problems;  // "rmdir /sys/fs/cgroup/...: Device or resource busy"
};

// Looks in `root` and in every directory directly below it (the v1 controller
// hierarchies and the unified one).
SweepResult sweep_dead_run_cgroups(const std::string& root = "/sys/fs/cgroup",
                                   const std::function<bool(pid_t)>& alive = run_alive);

}  // namespace nc::runtimes
