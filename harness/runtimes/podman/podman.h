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
// netavark's run directory for every rootful Podman (c/common libnetwork: a constant, which
// --root, --runroot and --network-config-dir do not move): the IPAM database (ipam.db) and
// aardvark-dns's configuration and pid file. All the Podmans of a lab would share it, with
// its allocations and its one aardvark-dns: a second Podman signals the first one's server
// instead of starting its own, and its containers' names go unanswered.
// use_private_network_run_dir() gives a lab-private Podman its own.
inline constexpr std::string_view kPodmanNetworkRunDir = "/run/containers/networks";
// A lab-private Podman's own run directory, bound over kPodmanNetworkRunDir in its mount
// namespace; the same path from the lab, since the state directory is on the lab's tmpfs.
std::string podman_network_run_dir(const std::string& state_dir);
// Binds podman_network_run_dir(state_dir) over kPodmanNetworkRunDir in `ns` (the lab host's
// mount namespace, or a runtime root's): Podman run there finds only what it wrote itself.
Result<void> use_private_network_run_dir(const Namespaces& ns, const std::string& state_dir);

Cli podman_cli(const Namespaces& host, const std::string& state_dir, const std::string& url = "");
Result<Cli> podman_root_cli(const Namespaces& ns, const std::string& state_dir, const std::string& firewall_driver);
Result<void> lower_soft_ulimits();

}  // namespace nc::runtimes
