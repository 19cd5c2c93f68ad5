#include "harness/engine/skip.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

std::vector<kernel::Feature> features_without(std::string_view missing, std::string detail) {
  std::vector<kernel::Feature> out;
  for (auto n : kernel::feature_names())
    out.push_back(n == missing ? kernel::Feature{std::string(n), false, detail} : kernel::Feature{std::string(n), true, "ok"});
  return out;
}

// A run over several kernels gathers their skips in one report: each names its kernel,
// whatever the probe's words were (a missing CONFIG, a module not loaded, a probe that failed).
TEST(KernelSkipReason, NamesTheKernelItWasJudgedOn) {
  checks::Check c;
  c.requirements = {"bridge", "ipvlan"};
  auto lacks = kernel_skip_reason(c, features_without("ipvlan", "kernel lacks CONFIG_IPVLAN (x)"), "6.1.0-50-amd64");
  EXPECT_EQ(lacks, "kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN (x)) [kernel 6.1.0-50-amd64]");
  auto failed = kernel_skip_reason(c, features_without("ipvlan", "probe failed (busy)"), "6.12.117-amd64");
  EXPECT_EQ(failed, "ipvlan unavailable (probe failed (busy)) [kernel 6.12.117-amd64]");
}

TEST(KernelSkipReason, EmptyWhenTheKernelHasEverything) {
  checks::Check c;
  c.requirements = {"bridge", "dns"};  // dns is the runtime's, not the kernel's
  EXPECT_EQ(kernel_skip_reason(c, features_without("ipvlan", "kernel lacks CONFIG_IPVLAN (x)"), "6.18.0"), "");
}

}  // namespace
}  // namespace nc::engine
