// Kernel tests: joining namespaces in the child. Need root; skip with the reason otherwise.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "netimpl/process/process.h"

namespace nc {
namespace {

using namespace std::chrono_literals;

std::string inode_link(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? std::to_string(st.st_ino) : "?";
}

class ProcessKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create and join namespaces";
  }
};

TEST_F(ProcessKernel, ChildRunsInsideTheNamespaces) {
  auto ns = Namespaces::create("proc-t1", kNsNet | kNsUts | kNsMnt);
  ASSERT_TRUE(ns) << ns.error().message();
  auto r = run({.argv = {"stat", "-L", "-c", "%i", "/proc/self/ns/net", "/proc/self/ns/uts", "/proc/self/ns/mnt"},
                .ns = &*ns},
               5s);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->exit_code, 0) << r->err;
  EXPECT_EQ(r->out, fmt::format("{}\n{}\n{}\n", inode_link(ns->fd(kNsNet)), inode_link(ns->fd(kNsUts)),
                                inode_link(ns->fd(kNsMnt))));
}

TEST_F(ProcessKernel, FreshNetnsHasOnlyLoopback) {
  auto ns = Namespaces::create("proc-t2", kNsNet);
  ASSERT_TRUE(ns);
  auto r = run({.argv = {"sh", "-c", "tail -n +3 /proc/self/net/dev | cut -d: -f1 | tr -d ' '"}, .ns = &*ns}, 5s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->out, "lo\n");
}

TEST_F(ProcessKernel, CallerStaysInItsNamespaces) {
  struct stat before {}, after {};
  ASSERT_EQ(::stat("/proc/thread-self/ns/net", &before), 0);
  auto ns = Namespaces::create("proc-t3", kNsNet);
  ASSERT_TRUE(ns);
  ASSERT_TRUE(run({.argv = {"true"}, .ns = &*ns}, 5s));
  ASSERT_EQ(::stat("/proc/thread-self/ns/net", &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
}

TEST_F(ProcessKernel, ExecFailureInsideNamespacesNamesTheCommand) {
  auto ns = Namespaces::create("proc-t4", kNsNet);
  ASSERT_TRUE(ns);
  auto p = Process::spawn({.argv = {"netconform-missing"}, .ns = &*ns});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().sys_errno(), ENOENT);
  EXPECT_THAT(p.error().message(), ::testing::HasSubstr("spawn netconform-missing"));
}

// Joining a mount namespace moves the child's root to that namespace's root; inside a
// chroot that is the real root. The program the caller named must run all the same (seen
// on a fresh Debian root run under chroot: every container's probe failed with ENOENT).
TEST_F(ProcessKernel, ProgramIsTheCallersEvenInsideAChroot) {
  auto ns = Namespaces::create("chrooted", kNsNet | kNsMnt);
  ASSERT_TRUE(ns) << ns.error().message();
  char tmpl[] = "/tmp/nc-chroot-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  std::filesystem::create_directories(root + "/only-in-chroot");
  std::filesystem::copy_file("/bin/true", root + "/only-in-chroot/prog");
  std::filesystem::create_directories(root + "/dev");  // spawn points stdin at /dev/null
  ASSERT_EQ(::mknod((root + "/dev/null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)), 0);
  pid_t child = ::fork();
  if (child == 0) {
    if (::chroot(root.c_str()) != 0 || ::chdir("/") != 0) ::_exit(10);
    auto r = run({.argv = {"/only-in-chroot/prog"}, .ns = &*ns}, 5s);
    if (!r) std::fprintf(stderr, "spawn: %s\n", r.error().message().c_str());
    ::_exit(!r ? 11 : r->exit_code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  std::filesystem::remove_all(root);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: chroot failed, 11: spawn failed, else the program's exit code";
}

}  // namespace
}  // namespace nc
