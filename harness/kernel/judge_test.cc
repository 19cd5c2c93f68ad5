// Which probe errors mean "the kernel lacks it", and what a check's skip then says.
#include "harness/kernel/judge.h"

#include <gtest/gtest.h>

#include "harness/kernel/features.h"

namespace nc::kernel {
namespace {

std::vector<Feature> all_but(Feature f) {
  std::vector<Feature> out;
  for (auto n : feature_names()) out.push_back(n == f.name ? f : Feature{std::string(n), true, "ok"});
  return out;
}

TEST(Judge, SuccessIsAvailableWithTheProbesNote) {
  EXPECT_EQ(judge("veth", std::string("created veth ncp-veth0")), (Feature{"veth", true, "created veth ncp-veth0"}));
}

TEST(Judge, AbsentErrnosMeanTheKernelLacksIt) {
  for (int err : {EOPNOTSUPP, ENOENT, EAFNOSUPPORT, EPROTONOSUPPORT}) {
    Feature f = judge("ipvlan", fail("create ipvlan ncp-iv0 on ncp-veth2 in netns kernel-probe: x", err));
    EXPECT_FALSE(f.available);
    EXPECT_EQ(f.detail, "kernel lacks CONFIG_IPVLAN (create ipvlan ncp-iv0 on ncp-veth2 in netns kernel-probe: x)") << err;
    EXPECT_TRUE(kernel_lacks(f));
  }
}

// The probe's ipvlan on a parent that carries a macvlan: the kernel has ipvlan, the parent
// is taken. That is the probe's failure, not a missing feature.
TEST(Judge, BusyParentIsAProbeErrorNotAMissingFeature) {
  Feature f = judge("ipvlan", fail("create ipvlan ncp-iv0 on ncp-veth0 in netns kernel-probe: Device or resource busy", EBUSY));
  EXPECT_FALSE(f.available);
  EXPECT_EQ(f.detail, "probe failed (create ipvlan ncp-iv0 on ncp-veth0 in netns kernel-probe: Device or resource busy)");
  EXPECT_FALSE(kernel_lacks(f));
  for (int err : {EPERM, EEXIST, EINVAL, 0}) EXPECT_FALSE(kernel_lacks(judge("ipvlan", fail("x", err)))) << err;

  auto why = capability_missing_reason({"bridge", "ipvlan"}, all_but(f));
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "ipvlan unavailable (probe failed (create ipvlan ncp-iv0 on ncp-veth0 in netns kernel-probe: Device or "
                  "resource busy))");
}

TEST(Judge, MissingReasonSaysKernelLacksOnlyWhenItDoes) {
  auto lacks = capability_missing_reason({"ipvlan"}, all_but(judge("ipvlan", fail("Operation not supported", EOPNOTSUPP))));
  ASSERT_TRUE(lacks);
  EXPECT_EQ(*lacks, "kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN (Operation not supported))");
  auto not_tried = capability_missing_reason({"macvlan"}, all_but({"macvlan", false, "not tried: needs veth (x)"}));
  ASSERT_TRUE(not_tried);
  EXPECT_EQ(*not_tried, "macvlan unavailable (not tried: needs veth (x))");
}

}  // namespace
}  // namespace nc::kernel
