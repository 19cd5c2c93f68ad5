// The runtimes of the Debian 13 root, as the registry makes them: their names, families
// (which pick docker-26.1.yaml and podman-5.4.yaml), and a root not built named with the
// command that builds it — all without starting anything.
#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/runtimes/hosted.h"
#include "harness/runtimes/registry.h"

namespace nc::runtimes {
namespace {

// NETCONFORM_CACHE set for one test, restored after.
class CacheDir {
 public:
  explicit CacheDir(const char* dir) {
    if (const char* old = ::getenv("NETCONFORM_CACHE")) old_ = old;
    ::setenv("NETCONFORM_CACHE", dir, 1);
  }
  ~CacheDir() {
    if (old_.empty()) ::unsetenv("NETCONFORM_CACHE");
    else ::setenv("NETCONFORM_CACHE", old_.c_str(), 1);
  }

 private:
  std::string old_;
};

TEST(RootKinds, TheRootLivesInTheCacheDirectory) {
  {
    CacheDir c("/srv/cache");
    EXPECT_EQ(debian13_root(), "/srv/cache/roots/debian-13");
  }
  CacheDir c("");
  EXPECT_EQ(debian13_root(), "/var/cache/netconform/roots/debian-13");
}

TEST(RootKinds, ARootNotBuiltNamesTheCommandThatBuildsIt) {
  CacheDir c("/nonexistent-cache");
  for (const char* name : {"docker@26.1", "podman@5.4", "podman@5.4+iptables"}) {
    ASSERT_NE(find_runtime_kind(name), nullptr) << name;
    auto r = make_runtime_under_test(name, {.probe_path = "/nonexistent"});
    ASSERT_FALSE(r) << name;
    EXPECT_NE(r.error().message().find("/nonexistent-cache/roots/debian-13 is not built"), std::string::npos)
        << r.error().message();
    EXPECT_NE(r.error().message().find("build it with: bash ci/runtime-root"), std::string::npos)
        << r.error().message();
  }
}

TEST(RootKinds, TheirFamiliesAreDockerAndPodman) {
  auto root = debian13_root();
  if (::access((root + "/usr/sbin/dockerd").c_str(), X_OK) != 0 || ::access((root + "/usr/bin/podman").c_str(), X_OK) != 0)
    GTEST_SKIP() << "the runtime root " << root << " is not built (bash ci/runtime-root)";
  for (auto [name, family] : {std::pair{"docker@26.1", "docker"}, std::pair{"podman@5.4", "podman"},
                              std::pair{"podman@5.4+iptables", "podman"}}) {
    auto r = make_runtime_under_test(name, {.probe_path = "/nonexistent"});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ((*r)->name(), name);
    EXPECT_EQ((*r)->family(), family);
    EXPECT_EQ((*r)->version(), "");  // nothing started
  }
}

}  // namespace
}  // namespace nc::runtimes
