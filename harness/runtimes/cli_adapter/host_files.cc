#include "harness/runtimes/cli_adapter/host_files.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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

Result<void> bind_mount(const std::string& from, const std::string& to, unsigned long flags) {
  if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | flags, nullptr) != 0)
    return sys_fail(fmt::format("bind-mount {} on {}", from, to));
  return {};
}

Result<void> mount_tmpfs(const std::string& to) {
  if (::mount("tmpfs", to.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
    return sys_fail(fmt::format("mount tmpfs on {}", to));
  return {};
}

// Runs in a thread that has just unshared a mount namespace of its own.
Result<void> build_and_pivot(const std::string& state_dir, const std::string& root) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return sys_fail("make / private");
  std::string dir = state_dir + "/overlay-root";
  std::string top = state_dir + "/rootfs";
  NC_TRY_VOID(make_dirs_under_run(dir + "/upper"));
  NC_TRY_VOID(make_dirs_under_run(dir + "/work"));
  NC_TRY_VOID(make_dirs_under_run(top));
  auto opts = fmt::format("lowerdir={},upperdir={}/upper,workdir={}/work", root, dir, dir);
  if (::mount("overlay", top.c_str(), "overlay", 0, opts.c_str()) != 0)
    return sys_fail(fmt::format("mount an overlay of {} on {}", root, top));
  NC_TRY_VOID(bind_mount("/proc", top + "/proc", MS_REC));
  NC_TRY_VOID(bind_mount("/sys", top + "/sys", MS_REC));
  NC_TRY_VOID(bind_mount("/dev", top + "/dev", MS_REC));
  NC_TRY_VOID(bind_mount("/run", top + "/run", 0));
  // A check's systemd-resolved directory (lab/lab_dns.h: a tmpfs of the lab host's own)
  // is what a daemon of the host sees there.
  if (struct stat dir{}, run{}; ::stat("/run/systemd/resolve", &dir) == 0 && ::stat("/run", &run) == 0 &&
                                dir.st_dev != run.st_dev)
    NC_TRY_VOID(bind_mount("/run/systemd/resolve", top + "/run/systemd/resolve", 0));
  NC_TRY_VOID(mount_tmpfs(top + "/tmp"));
  NC_TRY_VOID(mount_tmpfs(top + "/var/tmp"));
  // isolate_host_files() wrote the lab's resolv.conf; the root's own (empty) one is covered.
  NC_TRY_VOID(bind_mount(state_dir + "/resolv.conf", top + "/etc/resolv.conf", 0));
  // pivot_root(".", "."): the old root ends up stacked on the new one, and detaching it
  // leaves the overlay as this namespace's root.
  if (::chdir(top.c_str()) != 0) return sys_fail(fmt::format("chdir {}", top));
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return sys_fail("pivot_root");
  if (::umount2(".", MNT_DETACH) != 0) return sys_fail("detach the old root");
  if (::chdir("/") != 0) return sys_fail("chdir /");
  return {};
}

}  // namespace

Result<Namespaces> enter_runtime_root(const Namespaces& host, const std::string& state_dir, const std::string& root) {
  // overlayfs options separate layers by ':' and options by ','.
  if (root.empty() || root[0] != '/' || root.find_first_of(":,") != std::string::npos)
    return failf("runtime root '{}': must be an absolute path without ':' or ','", root);
  return host.run([&]() -> Result<Namespaces> {
    // run()'s thread is ours alone: it may leave the host's mount namespace for a new one.
    if (::unshare(CLONE_NEWNS | CLONE_FS) != 0) return sys_fail("unshare a mount namespace");
    NC_TRY_VOID_CTX(build_and_pivot(state_dir, root), "runtime root {}", root);
    return Namespaces::current(fmt::format("{} (root {})", host.name(), root), kNsNet | kNsMnt | kNsUts);
  });
}

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

Result<void> bind_private_dir(const Namespaces& ns, const std::string& dir, const std::string& mount_point) {
  return ns.run([&]() -> Result<void> {
    NC_TRY_VOID(make_dirs_under_run(dir));
    NC_TRY_VOID(make_dirs_under_run(mount_point));
    return bind_mount(dir, mount_point, 0);
  });
}

}  // namespace nc::runtimes
