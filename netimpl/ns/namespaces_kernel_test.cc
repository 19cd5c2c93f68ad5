// Kernel tests: need root (CAP_SYS_ADMIN); skip with the reason otherwise.
#include "netimpl/ns/namespaces.h"

#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace nc {
namespace {

ino_t ino_of(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 ? st.st_ino : 0;
}

class NamespacesKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create namespaces";
  }
};

TEST_F(NamespacesKernel, CreateLeavesCallerUntouched) {
  ino_t before = ino_of("/proc/thread-self/ns/net");
  auto ns = Namespaces::create("t1", kNsNet | kNsUts);
  ASSERT_TRUE(ns) << ns.error().message();
  EXPECT_EQ(ino_of("/proc/thread-self/ns/net"), before);
  EXPECT_TRUE(ns->has(kNsNet));
  EXPECT_FALSE(ns->has(kNsMnt));
}

TEST_F(NamespacesKernel, RunExecutesInsideTheNamespace) {
  auto ns = Namespaces::create("t2", kNsNet);
  ASSERT_TRUE(ns);
  struct stat held {};
  ASSERT_EQ(::fstat(ns->fd(kNsNet), &held), 0);
  auto inside = ns->run([]() -> Result<ino_t> { return ino_of("/proc/thread-self/ns/net"); });
  ASSERT_TRUE(inside);
  EXPECT_EQ(*inside, held.st_ino);
  EXPECT_NE(*inside, ino_of("/proc/thread-self/ns/net"));
  // A fresh netns has lo and nothing else.
  auto lo = ns->run([]() -> Result<unsigned> { return if_nametoindex("lo"); });
  EXPECT_EQ(*lo, 1u);
}

TEST_F(NamespacesKernel, MountNamespaceFromAThread) {
  auto ns = Namespaces::create("t3", kNsNet | kNsMnt);
  ASSERT_TRUE(ns) << ns.error().message();
  auto inside = ns->run([]() -> Result<bool> { return ino_of("/proc/thread-self/ns/mnt") != ino_of("/proc/1/ns/mnt"); });
  ASSERT_TRUE(inside) << inside.error().message();
}

}  // namespace
}  // namespace nc
