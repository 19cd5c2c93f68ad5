// Podman in the lab host: no daemon, so "starting" it is building the command line.
//
// Every podman run gets --root, --runroot, --tmpdir and --network-config-dir below the
// state directory (on the lab's tmpfs; --root on plain tmpfs, since overlay storage cannot
// stack on an overlay), --cgroup-manager cgroupfs (no systemd in the lab), the file events
// backend, runc (crun refuses this machine's hybrid cgroups) and netavark.
// lower_soft_ulimits() sets the calling process's soft RLIMIT_NOFILE and RLIMIT_NPROC below
// their hard limits: with soft == hard, runc here fails to start a Podman container.
// Children (podman, conmon, the containers) inherit it.
//
// podman_root_cli(): Podman from a runtime root (Podman 5.4, ci/runtime-root), run in that
// root's namespaces (`ns` from enter_runtime_root) with the same options and:
//   - the root's /usr/bin/podman: spawn() runs the program its caller names, opened in the
//     caller's view (process.h), so the command is the machine's /bin/sh, which execs
//     /usr/bin/podman as found inside the root;
//   - a containers.conf of its own, written below the state directory and named by
//     CONTAINERS_CONF_OVERRIDE (read last, over the root's defaults), which sets netavark's
//     firewall driver when one is asked for ("iptables"; netavark 1.14 defaults to
//     nftables, `table inet netavark`);
//   - PODMAN_IGNORE_CGROUPSV1_WARNING: Podman 5 warns on every command on this machine's
//     hybrid cgroups, and the warning would bury a command's real error.
#pragma once

#include <string>

#include "harness/runtimes/cli_adapter/command.h"

namespace nc::runtimes {

inline constexpr std::string_view kPodman = "/usr/bin/podman";
// Where every rootful Podman keeps its IPAM database (c/common libnetwork: the network
// namespace is shared, so is the database; --root and --runroot do not move it).
inline constexpr std::string_view kPodmanIpamDb = "/run/containers/networks/ipam.db";

Cli podman_cli(const Namespaces& host, const std::string& state_dir, const std::string& url = "");
Result<Cli> podman_root_cli(const Namespaces& ns, const std::string& state_dir, const std::string& firewall_driver);
Result<void> lower_soft_ulimits();

}  // namespace nc::runtimes
