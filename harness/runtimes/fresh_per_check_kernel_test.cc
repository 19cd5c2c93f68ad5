// make_fresh_per_check on real namespaces: every check gets a lab host of its own (the
// next one is built while a check runs), a check that wants ip_forward off has it off when
// its runtime starts, and the placement says that the runtime is dropped, not reset.
#include "harness/runtimes/fresh_per_check.h"

#include <gtest/gtest.h>

#include "harness/runtimes/host_resolv_test_support.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtimes {
namespace {

struct Seen {
  std::vector<std::string> ip_forward_at_start;
};

std::unique_ptr<RuntimeUnderTest> recording_netimpl(Seen& seen) {
  return make_fresh_per_check("netimpl", false, [&seen](const lab::LabHost& host, const lab::Underlay*, const LabNeeds&) -> Result<std::unique_ptr<api::Runtime>> {
    seen.ip_forward_at_start.push_back(NC_TRY(netlink::read_sysctl(host.host(), "net.ipv4.ip_forward")));
    return NC_TRY(runtime::NetimplRuntime::create(host.host(), {.probe_path = "", .start_processes = false}));
  });
}

TEST(FreshPerCheckKernel, EveryCheckGetsItsOwnLabHostWithTheIpForwardItAsksFor) {
  Seen seen;
  auto rut = recording_netimpl(seen);
  auto first = rut->acquire({.ip_forward = true});
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->dropped_after_check);
  // Something the first check leaves in its host.
  ASSERT_TRUE(first->runtime->create_network({.name = "left"}));
  auto rtnl1 = netlink::Rtnl::open(first->host->host());
  ASSERT_TRUE(rtnl1);
  ASSERT_TRUE(rtnl1->find_link("br-left").value().has_value());
  rut->release();

  // The second lab host was built while the first check ran, with forwarding on; this
  // check wants it off before its runtime starts.
  auto second = rut->acquire({.ip_forward = false});
  ASSERT_TRUE(second) << second.error().message();
  auto rtnl2 = netlink::Rtnl::open(second->host->host());
  ASSERT_TRUE(rtnl2);
  auto found = rtnl2->find_link("br-left");
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_FALSE(found->has_value()) << "the second check's host holds the first check's bridge";
  rut->release();

  auto third = rut->acquire({.ip_forward = true});
  ASSERT_TRUE(third) << third.error().message();
  rut->release();
  EXPECT_EQ(seen.ip_forward_at_start, (std::vector<std::string>{"1", "0", "1"}));
}

// A check's host_resolv is in the lab host before its runtime starts (netimpl reads the
// host's file when it starts, as a daemon does).
TEST(FreshPerCheckKernel, ACheckGetsTheHostsResolverFilesItAsksForBeforeItsRuntimeStarts) {
  std::vector<std::string> seen;
  auto rut = make_fresh_per_check("netimpl", false, [&seen](const lab::LabHost& host, const lab::Underlay*, const LabNeeds&) -> Result<std::unique_ptr<api::Runtime>> {
    seen.push_back(etc_resolv_in(host.host()));
    return NC_TRY(runtime::NetimplRuntime::create(host.host(), {.probe_path = "", .start_processes = false}));
  });
  for (auto files : {std::optional<lab::HostResolvFiles>(lab::HostResolvFiles{"nameserver 203.0.113.54\n", std::nullopt}),
                     std::optional<lab::HostResolvFiles>()}) {
    auto at = rut->acquire({.host_resolv = files});
    ASSERT_TRUE(at) << at.error().message();
    rut->release();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"nameserver 203.0.113.54\n", std::string(lab::kHostResolvConf)}));
}

}  // namespace
}  // namespace nc::runtimes
