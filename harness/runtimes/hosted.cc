#include "harness/runtimes/hosted.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "harness/lab/lab_dns.h"
#include "harness/runtimes/cli_adapter/host_files.h"
#include "harness/runtimes/cli_adapter/image.h"
#include "harness/runtimes/podman/podman.h"

namespace nc::runtimes {

std::set<std::string> docker_capabilities() {
  return {"netns", "veth", "bridge", "br_netfilter", "nftables", "nat", "conntrack",
          "dns", "ports", "macvlan", "ipvlan", "ipv6", "lifecycle", "netns_access", "netem"};
}

std::set<std::string> podman_capabilities() { return docker_capabilities(); }

namespace {

// "20.10.24+dfsg1" → "20.10.24".
std::string clean_version(std::string v) {
  v = trim(v);
  if (auto plus = v.find_first_of("+~-"); plus != std::string::npos) v.resize(plus);
  return v;
}

// The root holds the runtime's program, or it was never built (ci/runtime-root).
Result<void> check_root(const HostedOptions& o) {
  std::string program = o.runtime == "docker" ? std::string(kDockerd) : std::string(kPodman);
  if (::access((o.root + program).c_str(), X_OK) != 0)
    return failf("runtime root {} is not built (no {} in it); build it with: {}", o.root, program, kBuildRootCommand);
  return {};
}

}  // namespace

HostedOptions for_shard(HostedOptions base, const ShardStartArgs& a) {
  base.ip_forward = a.ip_forward;
  base.host_resolv = a.host_resolv;
  base.state_dir = a.state_dir;
  base.default_bridge6 = a.default_bridge6;
  return base;
}

std::string debian13_root() {
  const char* cache = std::getenv("NETCONFORM_CACHE");
  return fmt::format("{}/roots/debian-13", cache && *cache ? cache : "/var/cache/netconform");
}

Result<std::unique_ptr<HostedRuntime>> HostedRuntime::start(const HostedOptions& o) {
  if (o.runtime != "docker" && o.runtime != "podman") return failf("runtime {} is not available", o.runtime);
  if (!o.root.empty()) NC_TRY_VOID(check_root(o));
  if (!o.root.empty() && !o.endpoint.empty()) return failf("runtime {}: a root and an endpoint exclude each other", o.runtime);
  auto host = NC_TRY(lab::LabHost::create({.ip_forward = o.ip_forward, .name = "host"}));
  if (o.host_resolv) NC_TRY_VOID_CTX(lab::write_host_resolv(host.host(), *o.host_resolv), "lab");
  std::unique_ptr<HostedRuntime> h(new HostedRuntime(std::move(host)));
  h->ip_forward_ = o.ip_forward;
  h->own_daemon_ = o.endpoint.empty();
  NC_TRY_VOID_CTX(h->start_runtime(o), "start {}", o.runtime);
  return h;
}

Result<void> HostedRuntime::start_runtime(const HostedOptions& o) {
  if (o.endpoint.empty()) NC_TRY_VOID(isolate_host_files(host_.host(), o.state_dir));
  else NC_TRY_VOID(make_dirs_under_run(o.state_dir));
  if (!o.root.empty()) root_ns_.emplace(NC_TRY(enter_runtime_root(host_.host(), o.state_dir, o.root)));
  std::optional<Cli> cli;
  CliRuntimeOptions ro;
  if (o.runtime == "docker") {
    if (o.endpoint.empty()) {
      std::vector<std::string> args;
      if (o.default_bridge6) args = {"--ipv6", "--fixed-cidr-v6", o.default_bridge6->str()};
      dockerd_.emplace(NC_TRY(start_dockerd(host_.host(), o.state_dir, o.cgroup_parent, std::chrono::seconds(60),
                                            root_ns_ ? &*root_ns_ : nullptr, args)));
      cli.emplace("docker", std::vector<std::string>{std::string(kDockerClient), "-H", dockerd_->socket}, &host_.host());
    } else {
      cli.emplace("docker", std::vector<std::string>{std::string(kDockerClient), "-H", o.endpoint}, nullptr);
    }
    ro.version = clean_version(NC_TRY(cli->out({"version", "--format", "{{.Server.Version}}"})));
    ro.capabilities = docker_capabilities();
    // A daemon of the machine's (an endpoint) reads the machine's resolver files, not the
    // lab's, and keeps its own options.
    if (o.endpoint.empty()) ro.capabilities.insert({"host_resolv", "default_bridge_ipv6"});
  } else {
    NC_TRY_VOID(lower_soft_ulimits());
    if (o.endpoint.empty()) NC_TRY_VOID(use_private_network_run_dir(root_ns_ ? *root_ns_ : host_.host(), o.state_dir));
    if (root_ns_) cli.emplace(NC_TRY(podman_root_cli(*root_ns_, o.state_dir, o.firewall_driver)));
    else cli.emplace(podman_cli(host_.host(), o.state_dir, o.endpoint));
    ro.version = clean_version(NC_TRY(cli->out({"version", "--format", "{{.Client.Version}}"})));
    ro.capabilities = podman_capabilities();
    if (o.endpoint.empty()) ro.capabilities.insert("host_resolv");
    ro.cgroup_parent = o.endpoint.empty() ? o.cgroup_parent : "";
    if (o.endpoint.empty()) ro.ipam_db = podman_network_run_dir(o.state_dir) + "/ipam.db";
  }
  NC_TRY_VOID(import_probe_image(*cli, o.probe_path, o.state_dir, std::string(kProbeImage)));
  rt_ = std::make_unique<CliRuntime>(o.runtime == "docker" ? docker_dialect() : podman_dialect(), std::move(*cli), ro);
  // A clean start is the state every check must leave behind; verify it once here.
  NC_TRY_VOID_CTX(rt_->reset(), "verify the fresh runtime");
  return {};
}

HostedRuntime::~HostedRuntime() {
  if (rt_) (void)rt_->reset();  // containers first, while the daemon still runs
  // An existing daemon keeps no trace of the run: its probe image goes too. (A private
  // daemon's images go with its data root.)
  if (rt_ && !own_daemon_) (void)rt_->cli().raw({"rmi", std::string(kProbeImage)}, kCliTimeout);
  rt_.reset();
  dockerd_.reset();
  root_ns_.reset();
}

std::string HostedRuntime::daemon_log() const { return dockerd_ ? log_tail(dockerd_->log) : ""; }

}  // namespace nc::runtimes
