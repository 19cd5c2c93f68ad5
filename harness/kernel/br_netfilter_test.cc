// br_netfilter's classification: built in, a module not loaded, or not built.
#include "harness/kernel/br_netfilter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/kernel/judge.h"

namespace nc::kernel {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kNoSysctl =
    "read sysctl net/bridge/bridge-nf-call-iptables in netns kernel-probe: No such file or directory";

BrNetfilterFacts without_sysctl() {
  return {.sysctl = fail(kNoSysctl, ENOENT), .modules_dir = "/lib/modules/6.1.0-37-amd64", .modules_dir_exists = true,
          .module_present = false, .builtin = "kernel/net/bridge/bridge.ko\nkernel/net/ipv4/netfilter/nf_nat.ko\n"};
}

TEST(BrNetfilter, SysctlThereIsAvailable) {
  BrNetfilterFacts f = without_sysctl();
  f.sysctl = std::string("bridge-nf-call-iptables=1");
  EXPECT_EQ(judge_br_netfilter(f), (Feature{"br_netfilter", true, "bridge-nf-call-iptables=1"}));
}

// A distribution kernel: the module exists, nobody loaded it.
TEST(BrNetfilter, ModuleThatIsNotLoadedIsNotAMissingKernelFeature) {
  BrNetfilterFacts f = without_sysctl();
  f.module_present = true;
  Feature r = judge_br_netfilter(f);
  EXPECT_FALSE(r.available);
  EXPECT_FALSE(kernel_lacks(r)) << r.detail;
  EXPECT_THAT(r.detail, HasSubstr("module br_netfilter is not loaded"));
  EXPECT_THAT(r.detail, HasSubstr("/lib/modules/6.1.0-37-amd64"));
  EXPECT_THAT(r.detail, HasSubstr("modprobe br_netfilter"));
  EXPECT_THAT(r.detail, HasSubstr(kNoSysctl));
}

TEST(BrNetfilter, NeitherBuiltInNorAModuleIsMissing) {
  Feature r = judge_br_netfilter(without_sysctl());
  EXPECT_FALSE(r.available);
  EXPECT_TRUE(kernel_lacks(r));
  EXPECT_EQ(r.detail, "kernel lacks CONFIG_BRIDGE_NETFILTER (" + kNoSysctl +
                          "; neither built in nor a module in /lib/modules/6.1.0-37-amd64)");
}

TEST(BrNetfilter, NoModulesDirectoryAndNoSysctlIsMissing) {
  BrNetfilterFacts f = without_sysctl();
  f.modules_dir_exists = false;
  f.builtin.reset();
  Feature r = judge_br_netfilter(f);
  EXPECT_TRUE(kernel_lacks(r));
  EXPECT_THAT(r.detail, HasSubstr("no /lib/modules/6.1.0-37-amd64 to hold it as a module"));
}

TEST(BrNetfilter, BuiltInWithoutItsSysctlIsAProbeError) {
  BrNetfilterFacts f = without_sysctl();
  f.builtin = "kernel/net/bridge/bridge.ko\nkernel/net/bridge/br_netfilter.ko\n";
  Feature r = judge_br_netfilter(f);
  EXPECT_FALSE(r.available);
  EXPECT_FALSE(kernel_lacks(r));
  EXPECT_THAT(r.detail, HasSubstr("probe failed (built in per /lib/modules/6.1.0-37-amd64/modules.builtin"));
}

TEST(BrNetfilter, OtherSysctlErrorsAreProbeErrors) {
  BrNetfilterFacts f = without_sysctl();
  f.sysctl = fail("read sysctl ...: Permission denied", EACCES);
  f.module_present = true;
  EXPECT_EQ(judge_br_netfilter(f).detail, "probe failed (read sysctl ...: Permission denied)");
}

TEST(BrNetfilter, ModuleListsNameTheModuleByFileOnly) {
  EXPECT_TRUE(lists_module("kernel/net/bridge/br_netfilter.ko\n", "br_netfilter"));
  EXPECT_TRUE(lists_module("kernel/net/bridge/bridge.ko.xz: kernel/net/802/stp.ko.xz\n"
                           "kernel/net/bridge/br_netfilter.ko.xz: kernel/net/bridge/bridge.ko.xz\n",
                           "br_netfilter"));
  EXPECT_TRUE(lists_module("kernel/net/bridge/br_netfilter.ko.zst", "br_netfilter"));
  EXPECT_FALSE(lists_module("kernel/net/bridge/bridge.ko: kernel/net/bridge/br_netfilter.ko\n", "br_netfilter"));
  EXPECT_FALSE(lists_module("kernel/net/bridge/br_netfilter_ipv6.ko\n", "br_netfilter"));
  EXPECT_FALSE(lists_module("", "br_netfilter"));
}

}  // namespace
}  // namespace nc::kernel
