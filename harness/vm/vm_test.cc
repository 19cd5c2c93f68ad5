#include "harness/vm/vm.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace nc::vm {
namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

VmSpec spec() {
  VmSpec s;
  s.kernel = KernelChoice{.name = "debian-6.1", .host = false, .dir = "/cache/kernels/debian-6.1", .release = "6.1.0-50-amd64"};
  return s;
}

// The machine's root goes in read-only; only the share is writable; the modules path is
// handed to the guest's init on the kernel command line.
TEST(QemuArgv, RootReadOnlyShareWritableModulesOnTheCommandLine) {
  auto a = qemu_argv(spec(), "/tmp/share", "tcg");
  EXPECT_TRUE(has(a, "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"));
  EXPECT_TRUE(has(a, "local,id=out,path=/tmp/share,security_model=none,multidevs=remap"));
  EXPECT_TRUE(has(a, "/cache/kernels/debian-6.1/vmlinuz"));
  EXPECT_TRUE(has(a, "/cache/kernels/debian-6.1/initramfs.cpio.gz"));
  auto append = std::find(a.begin(), a.end(), "-append");
  ASSERT_NE(append, a.end());
  EXPECT_NE(append[1].find("netconform.modules=/cache/kernels/debian-6.1/lib/modules/6.1.0-50-amd64"), std::string::npos);
  EXPECT_TRUE(has(a, "-no-reboot"));  // a guest panic (panic=-1) ends qemu instead of looping
  EXPECT_TRUE(has(a, "tcg"));
  EXPECT_FALSE(has(a, "kvm"));
}

TEST(QemuArgv, KvmUsesTheHostCpu) {
  auto a = qemu_argv(spec(), "/tmp/share", "kvm");
  auto accel = std::find(a.begin(), a.end(), "-accel");
  ASSERT_NE(accel, a.end());
  EXPECT_EQ(accel[1], "kvm");
  EXPECT_TRUE(has(a, "host"));
}

// The retry after a guest kernel died on an int3 Oops runs every vCPU on one TCG thread.
TEST(QemuArgv, TcgSingleRunsTheVcpusOnOneThread) {
  auto a = qemu_argv(spec(), "/tmp/share", "tcg-single");
  auto accel = std::find(a.begin(), a.end(), "-accel");
  ASSERT_NE(accel, a.end());
  EXPECT_EQ(accel[1], "tcg,thread=single");
}

TEST(RunInVm, RefusesTheHostKernel) {
  VmSpec s;
  s.kernel.host = true;
  auto r = run_in_vm(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("needs no VM"), std::string::npos);
}

}  // namespace
}  // namespace nc::vm
