// Kernel tests: joining namespaces in the child. Need root; skip with the reason otherwise.
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace
}  // namespace nc
