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

// Creates `dir` and its parents; every component below /run/ only.
Result<void> make_dirs_under_run(const std::string& dir);

}  // namespace nc::runtimes
