// A real runtime (Docker or Podman) living in a lab host for a whole shard.
//
// Unlike netimpl, which gets a fresh lab host per check, a daemon is expensive to start
// (dockerd: about a second), so one HostedRuntime serves every check of a shard; the
// engine's verified reset() returns it to its starting state between checks. start():
//   1. creates a lab host (lab/topology.h) with the requested initial ip_forward — Docker
//      20.10 behaves differently when it has to turn forwarding on itself (BEHAVIOUR.md),
//      so a check that needs the other value gets a new HostedRuntime;
//   2. isolates the host's files (cli_adapter/host_files.h) under a state directory of its own;
//   3. Docker: starts a private dockerd (docker/dockerd.h); Podman: has no daemon, its CLI
//      runs in the host's namespaces with root, runroot, network config and tmp dirs in
//      the state directory (podman/podman.h);
//   4. imports the probe image and reads the runtime's version.
// A runtime run from a root of its own (`root`, built by ci/runtime-root: Docker 26.1,
// Podman 5.4 from Debian 13) gets, between steps 2 and 3, a mount namespace pivoted into an
// overlay of that root (cli_adapter/host_files.h, enter_runtime_root): dockerd, or every podman
// command, runs there, so the root is never written and all state stays on the lab's
// tmpfs; Docker is still driven by Debian 12's client from the lab host (the API version
// is negotiated). A root not built is an error naming the command that builds it.
// Errors name the step and carry the daemon's log tail. Dropping a HostedRuntime stops
// the daemon, then drops the host's namespaces; the lab removes anything else.
//
// `endpoint` (--docker-host / --podman-url) uses an existing daemon instead of starting
// one: that daemon's host is touched, and the lab's places are not where its containers
// live — the CLI warns about both. Dropping the HostedRuntime then also removes the probe
// image it imported there, so the daemon keeps nothing of the run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "harness/lab/topology.h"
#include "harness/runtimes/cli_adapter/cli_runtime.h"
#include "harness/runtimes/docker/dockerd.h"
#include "harness/runtimes/per_shard.h"

namespace nc::runtimes {

inline constexpr std::string_view kProbeImage = "netconform-probe:latest";

struct HostedOptions {
  std::string runtime;     // "docker" | "podman": which adapter (dialect) drives it
  bool ip_forward = true;
  std::optional<lab::HostResolvFiles> host_resolv;  // written into the lab host before the daemon starts
  std::string probe_path;
  std::string cgroup_parent;  // cgroup_gc.h: run_cgroup_name()
  std::string state_dir;      // below /run/, not used before
  std::string endpoint;       // empty: start a private daemon in the lab host
  std::string root;           // empty: the machine's own runtime; else a runtime root (debian13_root())
  std::string firewall_driver;  // podman from a root: netavark's firewall driver ("iptables"); empty: its default
  // A private dockerd starts with --ipv6 --fixed-cidr-v6 on this subnet (docker0 dual stack).
  // Podman has no such setting for its default network: it ignores this, and does not offer
  // default_bridge_ipv6, so the checks that ask for it are skipped there.
  std::optional<Prefix> default_bridge6;
};

// `base` with what one shard's start sets (per_shard.h).
HostedOptions for_shard(HostedOptions base, const ShardStartArgs& a);

// Where ci/runtime-root builds the Debian 13 root: $NETCONFORM_CACHE/roots/debian-13, with
// NETCONFORM_CACHE defaulting to /var/cache/netconform.
std::string debian13_root();
inline constexpr std::string_view kBuildRootCommand = "bash ci/runtime-root";

class HostedRuntime final : public ShardRuntime {
 public:
  static Result<std::unique_ptr<HostedRuntime>> start(const HostedOptions& o);
  ~HostedRuntime() override;

  const lab::LabHost& host() const override { return host_; }
  api::Runtime& runtime() override { return *rt_; }
  bool ip_forward() const { return ip_forward_; }
  // The daemon's log tail, for a report on failure ("" without a daemon).
  std::string daemon_log() const;

 private:
  explicit HostedRuntime(lab::LabHost h) : host_(std::move(h)) {}
  Result<void> start_runtime(const HostedOptions& o);

  lab::LabHost host_;  // declared first: destroyed last
  std::optional<Namespaces> root_ns_;  // the runtime root's namespaces (HostedOptions::root)
  std::optional<DockerDaemon> dockerd_;
  std::unique_ptr<CliRuntime> rt_;
  bool ip_forward_ = true;
  bool own_daemon_ = true;  // false: `endpoint`, someone else's daemon
};

// The capabilities (check `requires:` names) of the real runtimes, as tested here.
std::set<std::string> docker_capabilities();
std::set<std::string> podman_capabilities();

}  // namespace nc::runtimes
