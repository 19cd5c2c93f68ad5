#include "harness/vm/kernel_choice.h"

#include <fstream>

#include <gtest/gtest.h>

#include "harness/vm/vm.h"

namespace nc::vm {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}

TEST(KernelChoice, HostNeedsNoVm) {
  auto k = resolve_kernel("host");
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_TRUE(k->host);
}

TEST(KernelChoice, AnUnknownNameListsTheKnownOnes) {
  auto k = resolve_kernel("debian-5.10");
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message().find("--kernel debian-5.10: unknown kernel (known: host, debian-6.1, debian-6.12"),
            std::string::npos)
      << k.error().message();
}

// Any Debian suite's kernel by the suite's name: known in form, fetched by ci/kernels.
TEST(KernelChoice, ADebianSuiteByNameIsKnownAndNamesItsFetch) {
  auto dir = TempDir::make("kc-test-");
  ASSERT_TRUE(dir);
  auto k = resolve_kernel("debian-bookworm-backports", dir->path());
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message().find("run: ci/kernels debian-bookworm-backports"), std::string::npos) << k.error().message();
  for (auto bad : {"debian-", "debian-Sid", "debian-sid_x", "debian-6.1x"}) {
    auto b = resolve_kernel(bad, dir->path());
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().message().find("not fetched"), std::string::npos) << b.error().message();
  }
}

TEST(KernelChoice, AKnownNameNotFetchedNamesTheCiCommand) {
  auto dir = TempDir::make("kc-test-");
  ASSERT_TRUE(dir);
  auto k = resolve_kernel("debian-6.12", dir->path());
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message().find("not fetched yet"), std::string::npos) << k.error().message();
  EXPECT_NE(k.error().message().find("run: ci/kernels debian-6.12"), std::string::npos) << k.error().message();
}

// A user's kernel directory: each missing part is named, then it resolves with its release.
TEST(KernelChoice, APathNeedsImageModulesAndInitramfs) {
  auto dir = TempDir::make("kc-test-");
  ASSERT_TRUE(dir);
  fs::path d = dir->path() / "mine";
  fs::create_directories(d);
  auto k = resolve_kernel(d.string());
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message().find("vmlinuz is missing"), std::string::npos) << k.error().message();
  touch(d / "vmlinuz");
  fs::create_directories(d / "lib/modules/6.6.6-custom");
  k = resolve_kernel(d.string());
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message().find("run: depmod -b " + d.string() + " 6.6.6-custom"), std::string::npos)
      << k.error().message();
  touch(d / "lib/modules/6.6.6-custom/modules.dep");
  k = resolve_kernel(d.string());
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message().find("run: ci/kernel-initramfs " + d.string()), std::string::npos)
      << k.error().message();
  touch(d / "initramfs.cpio.gz");
  k = resolve_kernel(d.string());
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_FALSE(k->host);
  EXPECT_EQ(k->release, "6.6.6-custom");
  EXPECT_EQ(k->modules(), d / "lib/modules/6.6.6-custom");
}

TEST(KernelChoice, AFetchedNameResolvesFromTheCache) {
  auto dir = TempDir::make("kc-test-");
  ASSERT_TRUE(dir);
  fs::path d = dir->path() / "debian-6.1";
  touch(d / "vmlinuz");
  touch(d / "initramfs.cpio.gz");
  touch(d / "lib/modules/6.1.0-50-amd64/modules.dep");
  touch(dir->path() / "debian-6.1.stamp");
  auto k = resolve_kernel("debian-6.1", dir->path());
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(k->release, "6.1.0-50-amd64");
  EXPECT_EQ(k->dir, d);
}

}  // namespace
}  // namespace nc::vm
