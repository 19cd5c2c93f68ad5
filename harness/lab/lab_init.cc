// The lab's init (PID 1) and runner (PID 2). See lab.h for what they promise.
#include "harness/lab/lab_init.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "netimpl/base/unique_fd.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab::detail {
namespace {

constexpr int kSetupFailed = 125;

Result<void> mount_one(const char* src, const char* target, const char* type, unsigned long flags,
                       const char* data, std::string_view what) {
  if (::mount(src, target, type, flags, data) != 0) return sys_fail(what);
  return {};
}

// Creates `dir` and its parents below /run, which is the lab's tmpfs by now (lab.cc
// checked that the path is below /run/), so nothing is created on the machine.
Result<void> make_state_dir(const std::string& dir) {
  size_t slash = 0;
  do {
    slash = dir.find('/', slash + 1);
    std::string part = dir.substr(0, slash);
    if (part != "/run" && ::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
      return sys_fail(fmt::format("create state directory {}", part));
  } while (slash != std::string::npos);
  return {};
}

Result<void> loopback_up() {
  auto ns = NC_TRY(Namespaces::current("lab", kNsNet));
  auto rtnl = NC_TRY(netlink::Rtnl::open(ns));
  return rtnl.set_up("lo");
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// Under a chroot (a fresh Debian root checked with chroot, a build container), the lab's
// mount namespace keeps the machine's root as its root, and setns() into it moves a thread
// or child there: a daemon started that way wrote its state into the machine's /run. So
// the namespace is pivoted onto the directory this process has as its root; then joining
// it lands where the lab stands. Outside a chroot this changes nothing. Needs /proc (of
// the lab) and a single-threaded caller (setns(CLONE_NEWNS) refuses a shared fs struct).
Result<void> pivot_onto_chroot() {
  char cwd[PATH_MAX];
  if (!::getcwd(cwd, sizeof cwd)) return sys_fail("getcwd");
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  UniqueFd self(::open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC));
  if (!root || !self) return sys_fail("open / and /proc/self/ns/mnt");
  struct stat chroot_st{}, ns_root_st{};
  if (::fstat(root.get(), &chroot_st) != 0) return sys_fail("stat /");
  // Rejoining our own namespace moves root and cwd to the namespace's root.
  if (::setns(self.get(), CLONE_NEWNS) != 0) return sys_fail("rejoin the lab's mount namespace");
  if (::stat("/", &ns_root_st) != 0) return sys_fail("stat the mount namespace's root");
  if (!same_file(chroot_st, ns_root_st)) {
    char path[PATH_MAX];
    ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", root.get()).c_str(), path, sizeof path - 1);
    if (n <= 0) return sys_fail("find the chroot's path");
    path[n] = '\0';
    // pivot_root wants new_root to be a mount whose parent is not shared.
    NC_TRY_VOID(mount_one(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr, "make the namespace's / private"));
    NC_TRY_VOID(mount_one(path, path, nullptr, MS_BIND | MS_REC, nullptr, fmt::format("bind {} onto itself", path)));
    if (::chdir(path) != 0) return sys_fail(fmt::format("chdir {}", path));
    if (::syscall(SYS_pivot_root, ".", ".") != 0) return sys_fail(fmt::format("pivot_root onto {}", path));
    if (::umount2(".", MNT_DETACH) != 0) return sys_fail("detach the machine's root from the lab");
  }
  if (::chdir(cwd) != 0 && ::chdir("/") != 0) return sys_fail("chdir /");
  return {};
}

// A minimal root (debootstrap's minbase, as a fresh-root check uses) has no /etc/hosts, and
// netimpl shows each container's hosts file by a bind mount, which needs a target. The lab
// then sees /etc through an overlay whose upper layer, on the lab's tmpfs, holds an empty
// /etc/hosts: the machine's /etc is not written. A root that has the file is left alone.
Result<void> ensure_etc_hosts() {
  if (::access("/etc/hosts", F_OK) == 0) return {};
  for (auto d : {"/run/lab-etc", "/run/lab-etc/upper", "/run/lab-etc/work"})
    if (::mkdir(d, 0755) != 0 && errno != EEXIST) return sys_fail(fmt::format("create {}", d));
  NC_TRY_VOID(mount_one("overlay", "/etc", "overlay", 0,
                        "lowerdir=/etc,upperdir=/run/lab-etc/upper,workdir=/run/lab-etc/work",
                        "mount an overlay on /etc (the root has no /etc/hosts)"));
  UniqueFd hosts(::open("/etc/hosts", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  if (!hosts) return sys_fail("create /etc/hosts in the lab's /etc overlay");
  return {};
}

// Init's part of the setup: mounts only, so that init stays a single thread.
Result<void> set_up_mounts(const LabOptions& o) {
  // The new mount namespace is a copy of the machine's, propagation included: on Debian
  // "/" is a shared mount, and every mount below would appear on the machine.
  NC_TRY_VOID(mount_one(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr, "make / private"));
  NC_TRY_VOID(mount_one("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, "mount proc on /proc"));
  NC_TRY_VOID(pivot_onto_chroot());
  NC_TRY_VOID(mount_one("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", "mount tmpfs on /run"));
  NC_TRY_VOID(mount_one("tmpfs", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "mount tmpfs on /var/tmp"));
  NC_TRY_VOID(ensure_etc_hosts());
  return make_state_dir(o.state_dir);
}

// "<errno> <message>" on the status pipe; lab.cc turns it back into an Error.
[[noreturn]] void report_and_exit(int fd, const Error& e) {
  std::string text = fmt::format("{} {}", e.sys_errno(), e.message());
  [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());
  ::_exit(kSetupFailed);
}

bool caller_gone(int pidfd) {
  pollfd p{pidfd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

int exit_code_of(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

// The runner brings lo up (Rtnl opens its socket on a helper thread: done in init, that
// thread would take PID 2) and then runs the body.
[[noreturn]] void runner_main(const InitArgs& a) {
  ::sigprocmask(SIG_SETMASK, &a.runner_mask, nullptr);
  if (auto r = loopback_up(); !r) report_and_exit(a.status_fd, std::move(r).error().context("bring lo up in the lab"));
  ::close(a.status_fd);
  int rc = (*a.body)();
  std::fflush(nullptr);  // _exit() would drop buffered stdio output
  ::_exit(rc & 0xff);
}

// PID 1 inherits every orphan of the lab, so it reaps all of them; it returns the moment
// the runner is gone. SIGTERM and SIGINT arrive here through the signalfd: they are
// blocked, and the kernel queues a blocked signal even for a PID 1 without handlers.
[[noreturn]] void reap_until_runner_exits(int sigfd, pid_t runner) {
  for (;;) {
    signalfd_siginfo si;
    if (::read(sigfd, &si, sizeof si) != static_cast<ssize_t>(sizeof si)) continue;  // EINTR
    if (si.ssi_signo != SIGCHLD) {
      ::kill(-1, SIGKILL);  // from PID 1: every other process of the lab
      ::_exit(128 + static_cast<int>(si.ssi_signo));
    }
    int status;
    for (pid_t p; (p = ::waitpid(-1, &status, WNOHANG)) > 0;)
      if (p == runner) ::_exit(exit_code_of(status));
  }
}

}  // namespace

int init_main(void* arg) {
  const InitArgs& a = *static_cast<const InitArgs*>(arg);
  // The caller may have died before the prctl, and then no signal will ever come. Its
  // pidfd tells; getppid() cannot (it is 0 for the init of a new PID namespace).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (caller_gone(a.caller_pidfd)) ::_exit(128 + SIGKILL);
  ::close(a.caller_sigfd);

  sigset_t sigs;
  ::sigemptyset(&sigs);
  for (int s : {SIGCHLD, SIGTERM, SIGINT}) ::sigaddset(&sigs, s);
  ::sigprocmask(SIG_BLOCK, &sigs, nullptr);
  int sigfd = ::signalfd(-1, &sigs, SFD_CLOEXEC);
  if (sigfd < 0) report_and_exit(a.status_fd, sys_fail("signalfd").error());
  if (auto r = set_up_mounts(*a.opts); !r) report_and_exit(a.status_fd, r.error());

  pid_t runner = ::fork();
  if (runner < 0) report_and_exit(a.status_fd, sys_fail("fork the runner").error());
  if (runner == 0) {
    for (int fd : {sigfd, a.caller_pidfd}) ::close(fd);
    runner_main(a);
  }
  ::close(a.status_fd);
  reap_until_runner_exits(sigfd, runner);
}

}  // namespace nc::lab::detail
