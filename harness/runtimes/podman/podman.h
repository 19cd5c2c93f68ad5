// Podman in the lab host: no daemon, so "starting" it is building the command line.
//
// Every podman run gets --root, --runroot, --tmpdir and --network-config-dir below the
// state directory (on the lab's tmpfs; --root on plain tmpfs, since overlay storage cannot
// stack on an overlay), --cgroup-manager cgroupfs (no systemd in the lab), the file events
// backend, runc (crun refuses this machine's hybrid cgroups) and netavark.
// lower_soft_ulimits() sets the calling process's soft RLIMIT_NOFILE and RLIMIT_NPROC below
// their hard limits: with soft == hard, runc here fails to start a Podman container.
// Children (podman, conmon, the containers) inherit it.
#pragma once

#include <string>

#include "harness/runtimes/cli_adapter/command.h"

namespace nc::runtimes {

inline constexpr std::string_view kPodman = "/usr/bin/podman";

Cli podman_cli(const Namespaces& host, const std::string& state_dir, const std::string& url = "");
Result<void> lower_soft_ulimits();

}  // namespace nc::runtimes
