#include <gtest/gtest.h>

#include "harness/kernel/features.h"

namespace nc::kernel {
namespace {

std::vector<Feature> sample() {
  std::vector<Feature> out;
  for (auto n : feature_names()) out.push_back({std::string(n), true, "ok"});
  for (auto& f : out) {
    if (f.name == "ipvlan") f = {"ipvlan", false, "kernel lacks CONFIG_IPVLAN (create ipvlan: Operation not supported)"};
    if (f.name == "vxlan") f = {"vxlan", false, "kernel lacks CONFIG_VXLAN (x)"};
  }
  return out;
}

TEST(Capabilities, AvailableNames) {
  auto caps = available_capabilities(sample());
  EXPECT_TRUE(caps.contains("veth"));
  EXPECT_TRUE(caps.contains("nat"));
  EXPECT_FALSE(caps.contains("ipvlan"));
  EXPECT_EQ(caps.size(), feature_names().size() - 2);
}

TEST(Capabilities, NothingMissing) {
  auto r = capability_missing_reason({"bridge", "veth", "nat"}, sample());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, "");
}

TEST(Capabilities, MissingReasonQuotesTheProbe) {
  auto r = capability_missing_reason({"bridge", "ipvlan"}, sample());
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN (create ipvlan: Operation not supported))");
  r = capability_missing_reason({"vxlan", "ipvlan"}, sample());
  EXPECT_EQ(*r, "kernel lacks vxlan (kernel lacks CONFIG_VXLAN (x)); kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN "
                "(create ipvlan: Operation not supported))");
}

TEST(Capabilities, NonKernelRequirementsAreIgnored) {
  auto r = capability_missing_reason({"dns", "bridge"}, sample());
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "");
}

TEST(Capabilities, UnprobedKernelFeatureIsAnError) {
  auto r = capability_missing_reason({"macvlan"}, {{"veth", true, ""}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "kernel feature macvlan was not probed");
}

}  // namespace
}  // namespace nc::kernel
