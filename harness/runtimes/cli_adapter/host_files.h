// Keeping a daemon's files inside the lab.
//
// Docker and Podman write outside their data roots (DESIGN.md, Runtimes): /etc/docker,
// /etc/containers/networks, /var/lib/containers, /run/docker, /run/containers, /run/netns.
// isolate_host_files() runs in the lab host's mount namespace (never the machine's) and:
//   - creates `state_dir` (which must lie on the lab's tmpfs, below /run/) with the upper
//     and work directories of two overlays;
//   - mounts overlays over /etc and /var/lib whose upper layers live there, so every write
//     lands on the tmpfs (reads still see the machine's packaged configuration);
//   - writes the lab's resolv.conf (the lab's upstream DNS at 203.0.113.53) and bind-mounts
//     it over /etc/resolv.conf.
// /run and /var/tmp are already tmpfs in the lab (lab.h). It creates no directory outside
// the tmpfs: the overlays' mount points (/etc, /var/lib) exist already. Everything goes
// when the host's mount namespace does.
#pragma once

#include <string>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::runtimes {

inline constexpr std::string_view kLabResolvConf = "nameserver 203.0.113.53\n";

Result<void> isolate_host_files(const Namespaces& host, const std::string& state_dir);

// Binds `dir` over `mount_point` in `ns`'s mount namespace (both below /run/, created when
// missing): what a runtime there writes at the mount point lands in `dir`, and another
// runtime of the lab no longer sees it. The lab hosts' mounts are private, so the bind stays
// in `ns`.
Result<void> bind_private_dir(const Namespaces& ns, const std::string& dir, const std::string& mount_point);

// The mount namespace of a runtime run from a root of its own (ci/runtime-root: Debian 13
// with Docker 26.1 and Podman 5.4). Made from the lab host's mount namespace after
// isolate_host_files(), it holds:
//   - an overlay whose lower layer is `root` and whose upper and work directories live in
//     state_dir/overlay-root, on the lab's tmpfs: the daemon may write anywhere (/etc/docker,
//     /var/lib/containers, /opt/containerd), the root itself is never written;
//   - /proc, /sys (with the cgroup mounts dockerd needs) and /dev bound recursively from the
//     lab host; the lab's /run bound (its tmpfs alone, not the mounts on it), so every path
//     below `state_dir` — sockets, data roots, the probe image tar — is the same file
//     inside and outside, and a check's /run/systemd/resolve when the lab host has one
//     (lab/lab_dns.h, write_host_resolv); tmpfs on /tmp and /var/tmp; the lab's resolv.conf bound over
//     /etc/resolv.conf;
//   - and it is pivoted into that overlay (pivot_root, the old root detached), not chrooted:
//     `runc exec` joins a container's mount namespace and starts from that namespace's
//     root, which a chroot does not move — under a chroot, `docker exec` fails with
//     "stat /probe: no such file or directory".
// Returns namespaces to launch the runtime in: the lab host's network and UTS namespaces
// and this mount namespace. An error names the step ("runtime root /var/...: pivot_root").
// The mounts live as long as the namespace: nothing stays on the machine.
Result<Namespaces> enter_runtime_root(const Namespaces& host, const std::string& state_dir, const std::string& root);

// Creates `dir` and its parents; every component below /run/ only.
Result<void> make_dirs_under_run(const std::string& dir);

}  // namespace nc::runtimes
