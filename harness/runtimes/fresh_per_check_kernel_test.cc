// make_fresh_per_check on real namespaces: every check gets a lab host of its own, a plain
// check's lab (host and runtime) is built while the check before it runs, a check that wants
// ip_forward off has it off when its runtime starts, and the placement says that the
// runtime is dropped, not reset.
#include "harness/runtimes/fresh_per_check.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "harness/runtimes/host_resolv_test_support.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtimes {
namespace {

// What each runtime start saw, by the lab host it started on: `start` runs on the
// acquiring thread or on the one that builds the next plain lab.
struct Start {
  std::string ip_forward;
  std::thread::id thread;
};
struct Seen {
  std::mutex mu;
  std::map<const lab::LabHost*, Start> by_host;
  Start of(const Placement& p) {
    std::lock_guard lock(mu);
    return by_host.at(p.host);
  }
};

std::unique_ptr<RuntimeUnderTest> recording_netimpl(Seen& seen) {
  return make_fresh_per_check("netimpl", false, [&seen](const lab::LabHost& host, const lab::Underlay*, const LabNeeds&) -> Result<std::unique_ptr<api::Runtime>> {
    auto fwd = NC_TRY(netlink::read_sysctl(host.host(), "net.ipv4.ip_forward"));
    {
      std::lock_guard lock(seen.mu);
      seen.by_host[&host] = {fwd, std::this_thread::get_id()};
    }
    return NC_TRY(runtime::NetimplRuntime::create(host.host(), {.probe_path = "", .start_processes = false}));
  });
}

TEST(FreshPerCheckKernel, EveryCheckGetsItsOwnLabHostWithTheIpForwardItAsksFor) {
  Seen seen;
  auto rut = recording_netimpl(seen);
  auto first = rut->acquire({.ip_forward = true});
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->dropped_after_check);
  EXPECT_EQ(seen.of(*first).ip_forward, "1");
  // Something the first check leaves in its host.
  ASSERT_TRUE(first->runtime->create_network({.name = "left"}));
  auto rtnl1 = netlink::Rtnl::open(first->host->host());
  ASSERT_TRUE(rtnl1);
  ASSERT_TRUE(rtnl1->find_link("br-left").value().has_value());
  rut->release();

  // This check wants forwarding off before its runtime starts: its lab is built for it.
  auto second = rut->acquire({.ip_forward = false});
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(seen.of(*second).ip_forward, "0");
  EXPECT_EQ(seen.of(*second).thread, std::this_thread::get_id());
  auto rtnl2 = netlink::Rtnl::open(second->host->host());
  ASSERT_TRUE(rtnl2);
  auto found = rtnl2->find_link("br-left");
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_FALSE(found->has_value()) << "the second check's host holds the first check's bridge";
  rut->release();

  // A plain check gets the lab built while the first check ran: its runtime started on the
  // other thread, on a host of its own.
  auto third = rut->acquire({.ip_forward = true});
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_EQ(seen.of(*third).ip_forward, "1");
  EXPECT_NE(seen.of(*third).thread, std::this_thread::get_id()) << "the plain check's runtime was not built beforehand";
  auto rtnl3 = netlink::Rtnl::open(third->host->host());
  ASSERT_TRUE(rtnl3);
  auto found3 = rtnl3->find_link("br-left");
  ASSERT_TRUE(found3) << found3.error().message();
  EXPECT_FALSE(found3->has_value()) << "the third check's host holds the first check's bridge";
  rut->release();
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
