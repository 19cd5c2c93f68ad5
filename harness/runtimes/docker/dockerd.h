// A private dockerd inside the lab host.
//
// start_dockerd() runs Debian's /usr/sbin/dockerd in the lab host's namespaces (net, mnt,
// UTS: only namespaces we made, never `ip netns exec`, which remounts /sys and hides the
// cgroup mounts dockerd needs) with everything below `state_dir` on the lab's tmpfs:
// data root, exec root (its containerd lives there too), pid file, the API socket and the
// log. Containers go below the cgroup parent `cgroup_parent` (one per run, so that
// `netconform gc` can find what a killed run left). Readiness: the API socket answers
// `version`, polled for at most `ready_timeout`; a daemon that exits or does not answer in
// time is an error carrying the tail of its log.
//
// `extra_args` go after the project's own (`--ipv6 --fixed-cidr-v6 PREFIX`).
//
// `daemon_ns` (null: `host`) is where the daemon runs instead: the namespaces of a runtime
// root (cli_adapter/host_files.h, enter_runtime_root), whose /usr/sbin/dockerd is then the one
// started. The readiness client still runs in `host` with Debian 12's client, which
// negotiates the API version down (26.1 speaks 1.45, the 20.10 client 1.41).
//
// The daemon is a child of the calling thread (PR_SET_PDEATHSIG): start it from the
// runner's main thread. It dies with the DockerDaemon (SIGTERM, then SIGKILL) and in any
// case with the lab.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/runtimes/cli_adapter/command.h"
#include "netimpl/process/process.h"

namespace nc::runtimes {

inline constexpr std::string_view kDockerClient = "/usr/bin/docker";  // 20.10, matching the daemon
inline constexpr std::string_view kDockerd = "/usr/sbin/dockerd";

struct DockerDaemon {
  Process process;
  std::string socket;  // "unix:///run/.../docker.sock"
  std::string log;     // the daemon's stdout+stderr

  ~DockerDaemon();
  DockerDaemon(Process p, std::string s, std::string l) : process(std::move(p)), socket(std::move(s)), log(std::move(l)) {}
  DockerDaemon(DockerDaemon&&) = default;
};

Result<DockerDaemon> start_dockerd(const Namespaces& host, const std::string& state_dir,
                                   const std::string& cgroup_parent,
                                   std::chrono::milliseconds ready_timeout = std::chrono::seconds(60),
                                   const Namespaces* daemon_ns = nullptr,
                                   const std::vector<std::string>& extra_args = {});

// The last `bytes` of a log file ("" when unreadable).
std::string log_tail(const std::string& path, size_t bytes = 2000);

}  // namespace nc::runtimes
