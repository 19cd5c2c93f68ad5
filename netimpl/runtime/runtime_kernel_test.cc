// Kernel tests of NetimplRuntime on one host: what a container's endpoint looks like from
// the kernel's side, and what a failed create leaves behind. The host is a fresh network
// namespace; containers run no process (start_processes = false). Needs root.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "netimpl/netlink/rtnl.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtime {
namespace {

using ::testing::HasSubstr;

#define OK(expr)                                                    \
  do {                                                              \
    auto ok_r_ = (expr);                                            \
    ASSERT_TRUE(ok_r_) << #expr << ": " << ok_r_.error().message(); \
  } while (0)

class RuntimeKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto ns = Namespaces::create("host", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    host_ = std::move(*ns);
    auto rt = NetimplRuntime::create(host_, {.start_processes = false});
    ASSERT_TRUE(rt) << rt.error().message();
    rt_ = std::move(*rt);
  }
  void TearDown() override { rt_.reset(); }

  // The MAC of `ifname` in `container`, as the kernel has it (`ip -br link`).
  std::string kernel_mac(std::string_view container, std::string_view ifname) {
    auto* ns = rt_->container_ns(container);
    if (!ns) return "(no container)";
    auto r = run({.argv = {"ip", "-br", "link", "show", std::string(ifname)}, .ns = ns}, std::chrono::seconds(5));
    return r ? r->out : r.error().message();
  }
  static api::ContainerSpec at(std::string name, std::string network, const char* ip) {
    return {.name = std::move(name), .networks = {{.network = std::move(network), .ip = *IpAddr::parse(ip)}}};
  }

  Namespaces host_;
  std::unique_ptr<NetimplRuntime> rt_;
};

// BR-012: a container re-created at an address gets the MAC the previous one had, so a
// peer's neighbour entry for that address stays right.
TEST_F(RuntimeKernel, BridgeEndpointMacIsDerivedFromItsIpv4Address) {
  OK(rt_->create_network({.name = "appnet", .subnet = *Prefix::parse("172.18.0.0/16")}));
  auto first = rt_->create_container(at("b", "appnet", "172.18.0.2"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->endpoints.at(0).mac, "02:42:ac:12:00:02");
  EXPECT_THAT(kernel_mac("b", "eth0"), HasSubstr("02:42:ac:12:00:02"));
  OK(rt_->remove_container("b"));
  OK(rt_->create_container(at("b2", "appnet", "172.18.0.2")));
  EXPECT_THAT(kernel_mac("b2", "eth0"), HasSubstr("02:42:ac:12:00:02"));
}

// A create that fails on its second network gives the first network's address back: the
// same address can be taken at once by the next container.
TEST_F(RuntimeKernel, CreateFailingOnTheSecondNetworkReleasesTheFirstNetworksAddress) {
  OK(rt_->create_network({.name = "one", .subnet = *Prefix::parse("10.1.0.0/24")}));
  OK(rt_->create_network({.name = "two", .subnet = *Prefix::parse("10.2.0.0/24")}));
  api::ContainerSpec bad = at("c", "one", "10.1.0.5");
  bad.networks.push_back({.network = "two", .ip = *IpAddr::parse("10.2.0.1")});  // the gateway: refused
  auto r = rt_->create_container(bad);
  ASSERT_FALSE(r) << "a container took network two's gateway address";
  EXPECT_THAT(r.error().message(), HasSubstr("attach to network two"));
  EXPECT_FALSE(rt_->inspect("c"));
  auto again = rt_->create_container(at("d", "one", "10.1.0.5"));
  EXPECT_TRUE(again) << again.error().message();
}


// reset() (run after every check against a runtime kept for a shard; netimpl's checks drop
// the runtime instead, so it is tested here): containers, their veths and the user-defined
// networks' bridges are gone from the kernel, docker0 stays, and the same names and
// addresses can be used again at once.
TEST_F(RuntimeKernel, ResetLeavesOnlyThePredefinedNetworksInTheKernel) {
  OK(rt_->create_network({.name = "appnet", .subnet = *Prefix::parse("172.18.0.0/16")}));
  OK(rt_->create_container(at("a", "appnet", "172.18.0.2")));
  OK(rt_->create_container({.name = "b"}));  // the default bridge
  OK(rt_->reset());
  auto rtnl = netlink::Rtnl::open(host_);
  ASSERT_TRUE(rtnl) << rtnl.error().message();
  auto links = rtnl->links();
  ASSERT_TRUE(links) << links.error().message();
  std::vector<std::string> names;
  for (auto& l : *links)
    if (l.kind == "veth" || l.kind == "bridge") names.push_back(l.name);
  EXPECT_EQ(names, std::vector<std::string>{"docker0"});
  EXPECT_FALSE(rt_->inspect("a"));
  EXPECT_FALSE(rt_->inspect_network("appnet"));
  OK(rt_->create_network({.name = "appnet", .subnet = *Prefix::parse("172.18.0.0/16")}));
  OK(rt_->create_container(at("a", "appnet", "172.18.0.2")));
}

}  // namespace
}  // namespace nc::runtime
