#include "harness/runtimes/podman/podman.h"

#include <sys/resource.h>

namespace nc::runtimes {

Cli podman_cli(const Namespaces& host, const std::string& state_dir, const std::string& url) {
  if (!url.empty()) return Cli("podman", {std::string(kPodman), "--url", url}, nullptr);
  return Cli("podman",
             {std::string(kPodman), "--root", state_dir + "/root", "--runroot", state_dir + "/runroot",
              "--tmpdir", state_dir + "/tmp", "--network-config-dir", state_dir + "/networks",
              "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "/usr/sbin/runc",
              "--network-backend", "netavark", "--storage-driver", "overlay"},
             &host);
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
