// Kernel tests of the drivers as the runtime drives them. The overlay's control plane in
// MultiHostRuntime: two host namespaces joined by a veth "underlay0" pair, one overlay
// across them; containers run no process (start_processes = false). The ipvlan L3 default
// route, with a veth standing in for the ipvlan child this kernel cannot make. What the
// kernel holds is read from outside (`bridge fdb`, `ip neigh`, `ip route` run in the
// namespace). Needs root.
#include "netimpl/drivers/sublink.h"
#include "netimpl/runtime/container.h"
#include "netimpl/runtime/multi_host_runtime.h"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nc::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// `argv` run inside `ns` (the kernel's view, from outside our code); its stdout.
std::string run_in(const Namespaces& ns, std::vector<std::string> argv) {
  auto r = run({.argv = std::move(argv), .ns = &ns}, std::chrono::seconds(5));
  return r ? r->out : fmt::format("(did not run: {})", r.error().message());
}

#define OK(expr)                                                  \
  do {                                                            \
    auto ok_r_ = (expr);                                          \
    ASSERT_TRUE(ok_r_) << #expr << ": " << ok_r_.error().message(); \
  } while (0)

class MultiHostKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    for (auto* name : {"host", "host2"}) {
      auto ns = Namespaces::create(name, kNsNet);
      ASSERT_TRUE(ns) << ns.error().message();
      hosts_.push_back(std::move(*ns));
    }
    auto rt1 = netlink::Rtnl::open(hosts_[0]);
    auto rt2 = netlink::Rtnl::open(hosts_[1]);
    ASSERT_TRUE(rt1 && rt2);
    OK(rt1->create_veth({.name = "underlay0", .peer = "underlay0", .peer_ns = &hosts_[1]}));
    OK(rt1->add_address("underlay0", *Prefix::parse("198.51.100.1/24")));
    OK(rt2->add_address("underlay0", *Prefix::parse("198.51.100.2/24")));
    OK(rt1->set_up("underlay0"));
    OK(rt2->set_up("underlay0"));
    auto m = MultiHostRuntime::create({{"host", &hosts_[0]}, {"host2", &hosts_[1]}}, {.start_processes = false});
    ASSERT_TRUE(m) << m.error().message();
    rt_ = std::move(*m);
    OK(rt_->create_network({.name = "ov", .driver = "overlay", .subnet = *Prefix::parse("10.10.0.0/24")}));
  }
  void TearDown() override { rt_.reset(); }

  // host2's entries that send to host's VTEP (learning is off: only ours are there).
  std::string fdb2() { return run_in(hosts_[1], {"bridge", "fdb", "show", "dev", "vx-ov"}); }
  std::string neigh2() { return run_in(hosts_[1], {"ip", "neigh", "show", "dev", "vx-ov"}); }
  static api::ContainerSpec on_ov(std::string name, std::string host) {
    api::ContainerSpec spec{.name = std::move(name), .networks = {{.network = "ov"}}};
    spec.host = std::move(host);
    return spec;
  }

  std::vector<Namespaces> hosts_;
  std::unique_ptr<MultiHostRuntime> rt_;
};

// The unicast entries towards host's VTEP (the flood entry's MAC is all zeros).
int unicast_to_host1(const std::string& fdb) {
  int n = 0;
  for (size_t at = 0; (at = fdb.find("dst 198.51.100.1 ", at)) != std::string::npos; ++at) {
    size_t line = fdb.rfind('\n', at);
    line = line == std::string::npos ? 0 : line + 1;
    if (fdb.compare(line, 17, "00:00:00:00:00:00") != 0) ++n;
  }
  return n;
}

TEST_F(MultiHostKernel, RemovedEndpointLeavesNoEntryOnTheOtherHost) {
  auto a = rt_->create_container(on_ov("a", "host"));
  ASSERT_TRUE(a) << a.error().message();
  OK(rt_->create_container(on_ov("b", "host2")));
  const std::string a_ip = fmt::format("{} ", a->endpoints.at(0).ip);
  EXPECT_EQ(unicast_to_host1(fdb2()), 1) << fdb2();
  EXPECT_THAT(neigh2(), HasSubstr(a_ip));
  EXPECT_THAT(fdb2(), HasSubstr("00:00:00:00:00:00 dst 198.51.100.1 self permanent"));

  OK(rt_->remove_container("a"));
  EXPECT_EQ(unicast_to_host1(fdb2()), 0) << fdb2();
  EXPECT_THAT(neigh2(), Not(HasSubstr(a_ip)));
  // The host itself is still a member: its flood entry stays.
  EXPECT_THAT(fdb2(), HasSubstr("00:00:00:00:00:00 dst 198.51.100.1 self permanent"));
}

TEST_F(MultiHostKernel, DisconnectedEndpointLeavesNoEntryOnTheOtherHost) {
  // Starts on another overlay: only overlays are under test.
  OK(rt_->create_network({.name = "ov2", .driver = "overlay", .subnet = *Prefix::parse("10.20.0.0/24")}));
  auto spec = on_ov("a", "host");
  spec.networks = {{.network = "ov2"}};
  OK(rt_->create_container(spec));
  OK(rt_->connect("a", {.network = "ov"}));
  EXPECT_EQ(unicast_to_host1(fdb2()), 1) << fdb2();
  OK(rt_->disconnect("a", "ov"));
  EXPECT_EQ(unicast_to_host1(fdb2()), 0) << fdb2();
  EXPECT_THAT(neigh2(), Not(HasSubstr("10.10.0.")));
}

// The bad-input list: each is refused before anything exists on any host, with an
// error naming the network and the option.
TEST_F(MultiHostKernel, BadNetworksAreRefusedBeforeAnythingIsCreated) {
  auto links = [&] { return run_in(hosts_[0], {"ip", "-br", "link"}) + run_in(hosts_[1], {"ip", "-br", "link"}); };
  const std::string before = links();
  auto refused = [&](api::NetworkSpec spec, const std::string& text) {
    auto r = rt_->create_network(spec);
    ASSERT_FALSE(r) << spec.name << " was created";
    EXPECT_THAT(r.error().message(), HasSubstr(text));
    EXPECT_FALSE(rt_->inspect_network(spec.name));
    EXPECT_EQ(links(), before);
  };
  refused({.name = "x", .driver = "bogus"}, "create network x: unknown driver bogus");
  refused({.name = "x", .driver = "overlay", .parent = "eth0"}, "network x: option parent is not supported by driver overlay");
  refused({.name = "x", .driver = "macvlan", .mtu = 1400, .parent = "underlay0"}, "network x: option mtu is not supported");
  refused({.name = "x", .driver = "macvlan", .parent = "eth9"}, "network x: option parent: link eth9 does not exist");
  refused({.name = "x", .driver = "overlay", .subnet = *Prefix::parse("10.10.0.0/25")},
          "create network x: subnet 10.10.0.0/25 overlaps network ov");
}

TEST(IpvlanKernel, L3ContainerGetsADirectDefaultRouteAndNoGateway) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
  auto host = Namespaces::create("host", kNsNet);
  ASSERT_TRUE(host) << host.error().message();
  auto host_rtnl = netlink::Rtnl::open(*host);
  ASSERT_TRUE(host_rtnl);
  auto c = make_container("c", random_id(), "");
  ASSERT_TRUE(c) << c.error().message();
  // The executor the driver is given: what it asks for, made as a veth into the container.
  std::vector<drivers::SubLinkRequest> asked;
  drivers::SubLinkDriver driver(drivers::SubLinkDriver::Kind::kIpvlan, [&](netlink::Rtnl* rtnl, const drivers::SubLinkRequest& r) -> Result<void> {
    asked.push_back(r);
    return rtnl->create_veth({.name = r.temp_name, .peer = r.ifname, .peer_ns = r.target_ns});
  });
  drivers::NetworkState net;
  net.spec = {.name = "l3net", .driver = "ipvlan", .parent = "eth0", .mode = "l3"};
  drivers::EndpointState ep{.network = "l3net", .ifname = "eth1", .host_ifname = "veth0000001",
                            .ip = *IpAddr::parse("192.0.2.11"), .prefix_len = 24,
                            .gateway = *IpAddr::parse("192.0.2.1")};
  drivers::HostContext hc{.ns = &*host, .rtnl = &*host_rtnl};
  auto sb = c->sandbox();
  OK(driver.attach(hc, net, sb, ep));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].ipvlan_mode, netlink::IpvlanMode::kL3);
  c->endpoints.push_back(ep);
  OK(sync_default_route(*c));
  std::string routes = run_in(c->ns, {"ip", "route", "show", "default"});
  EXPECT_THAT(routes, HasSubstr("default dev eth1"));
  EXPECT_THAT(routes, Not(HasSubstr("via")));

  c->endpoints.clear();
  OK(sync_default_route(*c));
  EXPECT_EQ(run_in(c->ns, {"ip", "route", "show", "default"}), "");
}

// The lab's case: the parent on the host is eth0 and the container's child is eth0 too.
// Some kernels (before 6.14) refuse to create it there directly under that name; the real
// executor must end with eth0 in the container and nothing left on the host.
TEST(MacvlanKernel, ChildIsEth0InTheContainerOnAParentNamedEth0) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
  auto host = Namespaces::create("host", kNsNet);
  ASSERT_TRUE(host) << host.error().message();
  auto host_rtnl = netlink::Rtnl::open(*host);
  ASSERT_TRUE(host_rtnl);
  OK(host_rtnl->create_veth({.name = "eth0", .peer = "lan-peer"}));
  OK(host_rtnl->set_up("eth0"));
  auto c = make_container("c", random_id(), "");
  ASSERT_TRUE(c) << c.error().message();
  drivers::SubLinkDriver driver(drivers::SubLinkDriver::Kind::kMacvlan);
  drivers::NetworkState net;
  net.spec = {.name = "lan", .driver = "macvlan", .parent = "eth0"};
  drivers::EndpointState ep{.network = "lan", .ifname = "eth0", .host_ifname = "veth0000001",
                            .ip = *IpAddr::parse("192.0.2.11"), .prefix_len = 24,
                            .gateway = *IpAddr::parse("192.0.2.1")};
  drivers::HostContext hc{.ns = &*host, .rtnl = &*host_rtnl};
  OK(driver.create_network(hc, net));
  auto sb = c->sandbox();
  OK(driver.attach(hc, net, sb, ep));
  EXPECT_THAT(run_in(c->ns, {"ip", "-d", "link", "show", "eth0"}), HasSubstr("macvlan mode bridge"));
  EXPECT_THAT(run_in(c->ns, {"ip", "-br", "addr", "show", "eth0"}), HasSubstr("192.0.2.11/24"));
  std::string host_links = run_in(*host, {"ip", "-br", "link"});
  EXPECT_THAT(host_links, HasSubstr("eth0@lan-peer"));
  EXPECT_THAT(host_links, Not(HasSubstr("veth0000001")));
  OK(driver.detach(hc, net, sb, ep));
  EXPECT_THAT(run_in(c->ns, {"ip", "-br", "link"}), Not(HasSubstr("eth0")));
}

}  // namespace
}  // namespace nc::runtime
