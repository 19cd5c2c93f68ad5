#include "harness/runtimes/cli_adapter/host_files.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace nc::runtimes {

Result<void> make_dirs_under_run(const std::string& dir) {
  if (!dir.starts_with("/run/")) return failf("state directory {}: must lie below /run/ (the lab's tmpfs)", dir);
  for (size_t slash = 4; slash != std::string::npos;) {
    slash = dir.find('/', slash + 1);
    std::string part = dir.substr(0, slash);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return sys_fail(fmt::format("create {}", part));
  }
  return {};
}

namespace {

Result<void> overlay(const std::string& target, const std::string& dir) {
  NC_TRY_VOID(make_dirs_under_run(dir + "/upper"));
  NC_TRY_VOID(make_dirs_under_run(dir + "/work"));
  auto opts = fmt::format("lowerdir={},upperdir={}/upper,workdir={}/work", target, dir, dir);
  if (::mount("overlay", target.c_str(), "overlay", 0, opts.c_str()) != 0)
    return sys_fail(fmt::format("mount overlay over {}", target));
  return {};
}

}  // namespace

Result<void> isolate_host_files(const Namespaces& host, const std::string& state_dir) {
  return host.run([&]() -> Result<void> {
    NC_TRY_VOID(make_dirs_under_run(state_dir));
    // The lab host's own resolv.conf (lab_dns.h binds one) is what the daemon must see;
    // the overlay below would hide that bind, so its text is carried over.
    std::string lab_resolv;
    {
      std::ifstream in("/etc/resolv.conf");
      std::ostringstream text;
      text << in.rdbuf();
      lab_resolv = in ? text.str() : "";
    }
    if (lab_resolv.find("nameserver") == std::string::npos) lab_resolv = std::string(kLabResolvConf);
    NC_TRY_VOID(overlay("/etc", state_dir + "/overlay-etc"));
    NC_TRY_VOID(overlay("/var/lib", state_dir + "/overlay-var-lib"));
    std::string resolv = state_dir + "/resolv.conf";
    {
      std::ofstream f(resolv, std::ios::trunc);
      f << lab_resolv;
      if (!f) return sys_fail(fmt::format("write {}", resolv));
    }
    // A symlink (systemd-resolved) would send the bind elsewhere; in the overlay, replacing
    // it by a plain file only touches the upper layer.
    struct stat st{};
    if (::lstat("/etc/resolv.conf", &st) != 0 || !S_ISREG(st.st_mode)) {
      ::unlink("/etc/resolv.conf");
      std::ofstream("/etc/resolv.conf", std::ios::trunc) << "";
    }
    if (::mount(resolv.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0)
      return sys_fail("bind-mount the lab's resolv.conf over /etc/resolv.conf");
    return {};
  });
}

}  // namespace nc::runtimes
