#include "harness/runtimes/podman/podman.h"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "harness/runtimes/cli_adapter/host_files.h"

namespace nc::runtimes {

namespace {

std::vector<std::string> podman_options(const std::string& state_dir) {
  return {"--root", state_dir + "/root", "--runroot", state_dir + "/runroot",
          "--tmpdir", state_dir + "/tmp", "--network-config-dir", state_dir + "/networks",
          "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "/usr/sbin/runc",
          "--network-backend", "netavark", "--storage-driver", "overlay"};
}

}  // namespace

Cli podman_cli(const Namespaces& host, const std::string& state_dir, const std::string& url) {
  if (!url.empty()) return Cli("podman", {std::string(kPodman), "--url", url}, nullptr);
  std::vector<std::string> argv{std::string(kPodman)};
  std::ranges::copy(podman_options(state_dir), std::back_inserter(argv));
  return Cli("podman", std::move(argv), &host);
}

Result<Cli> podman_root_cli(const Namespaces& ns, const std::string& state_dir, const std::string& firewall_driver) {
  if (firewall_driver.find_first_of("\"\\\n") != std::string::npos)
    return failf("podman firewall driver '{}': not a plain name", firewall_driver);
  std::string conf = state_dir + "/containers.conf";
  {
    std::ofstream f(conf, std::ios::trunc);
    f << "# netconform: Podman from a runtime root, in a lab\n[network]\n";
    if (!firewall_driver.empty()) f << fmt::format("firewall_driver = \"{}\"\n", firewall_driver);
    if (!f) return sys_fail(fmt::format("write {}", conf));
  }
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" \"$@\"", std::string(kPodman)};
  std::ranges::copy(podman_options(state_dir), std::back_inserter(argv));
  return Cli("podman", std::move(argv), &ns, {"CONTAINERS_CONF_OVERRIDE=" + conf, "PODMAN_IGNORE_CGROUPSV1_WARNING=1"});
}

std::string podman_network_run_dir(const std::string& state_dir) { return state_dir + "/networks-run"; }

Result<void> use_private_network_run_dir(const Namespaces& ns, const std::string& state_dir) {
  return bind_private_dir(ns, podman_network_run_dir(state_dir), std::string(kPodmanNetworkRunDir));
}

Result<void> lower_soft_ulimits() {
  for (int res : {RLIMIT_NOFILE, RLIMIT_NPROC}) {
    rlimit l{};
    if (::getrlimit(res, &l) != 0) return sys_fail("getrlimit");
    if (l.rlim_cur < l.rlim_max) continue;
    rlim_t want = res == RLIMIT_NOFILE ? 4096 : l.rlim_max / 2;
    if (l.rlim_max != RLIM_INFINITY && want >= l.rlim_max) want = l.rlim_max / 2;
    l.rlim_cur = want;
    if (::setrlimit(res, &l) != 0) return sys_fail("setrlimit (lower the soft limit for podman)");
  }
  return {};
}

}  // namespace nc::runtimes
