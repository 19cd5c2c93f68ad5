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
    ASSERT_NO_FATAL_FAILURE(fresh_runtime({.start_processes = false}));
  }
  // Replaces the runtime (if any) with one made with `opts`, on a fresh host.
  void fresh_runtime(NetimplOptions opts) {
    rt_.reset();
    auto ns = Namespaces::create("host", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    host_ = std::move(*ns);
    auto rt = NetimplRuntime::create(host_, std::move(opts));
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
  std::string in(std::string_view container, std::vector<std::string> argv) {
    auto* ns = rt_->container_ns(container);
    if (!ns) return "(no container)";
    auto r = run({.argv = std::move(argv), .ns = ns}, std::chrono::seconds(5));
    if (!r) return r.error().message();
    return r->exit_code == 0 ? r->out : fmt::format("exit {}: {}{}", r->exit_code, r->out, r->err);
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

// dockerd --ipv6 --fixed-cidr-v6 (NetimplOptions::default_bridge6): docker0's endpoints get
// the prefix plus their MAC when it has 48 host bits, else the next address (as seen on
// Docker 20.10 and 26.1 with a /64, a /80 and a /96).
TEST_F(RuntimeKernel, DualStackDefaultBridgeDerivesIpv6AddressesFromTheMac) {
  ASSERT_NO_FATAL_FAILURE(fresh_runtime({.start_processes = false, .default_bridge6 = *Prefix::parse("2001:db8:20::/64")}));
  auto c = rt_->create_container({.name = "a"});
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE(c->endpoints.at(0).ip6);
  EXPECT_EQ(c->endpoints.at(0).ip6->str(), "2001:db8:20::242:ac11:2");
  EXPECT_EQ(c->endpoints.at(0).gateway6->str(), "2001:db8:20::1");
  ASSERT_NO_FATAL_FAILURE(fresh_runtime({.start_processes = false, .default_bridge6 = *Prefix::parse("2001:db8:20::/96")}));
  auto small = rt_->create_container({.name = "a"});
  ASSERT_TRUE(small) << small.error().message();
  EXPECT_EQ(small->endpoints.at(0).ip6->str(), "2001:db8:20::2");
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

// Dual stack: the bridge has both gateways, each container an IPv6 address that is usable
// at once (no DAD: not "tentative") and an IPv6 default route via gateway6; containers
// reach each other and the gateway over IPv6; the addresses come back to the pool.
TEST_F(RuntimeKernel, DualStackBridgeGivesAddressesRoutesAndReachability) {
  auto net = rt_->create_network({.name = "six", .subnet = *Prefix::parse("172.18.0.0/16"), .ipv6 = true,
                                  .subnet6 = *Prefix::parse("2001:db8:6::/64")});
  ASSERT_TRUE(net) << net.error().message();
  EXPECT_EQ(net->subnet6->str(), "2001:db8:6::/64");
  EXPECT_EQ(net->gateway6->str(), "2001:db8:6::1");
  auto a = rt_->create_container({.name = "a", .networks = {{.network = "six"}}});
  ASSERT_TRUE(a) << a.error().message();
  auto& ep = a->endpoints.at(0);
  ASSERT_TRUE(ep.ip6);
  EXPECT_EQ(ep.ip6->str(), "2001:db8:6::2");
  EXPECT_EQ(ep.prefix_len6, 64);
  EXPECT_EQ(ep.gateway6->str(), "2001:db8:6::1");
  api::ContainerSpec fixed{.name = "b", .networks = {{.network = "six", .ip6 = *IpAddr::parse("2001:db8:6::b")}}};
  OK(rt_->create_container(fixed));
  std::string addr = in("a", {"ip", "-6", "addr", "show", "dev", "eth0", "scope", "global"});
  EXPECT_THAT(addr, HasSubstr("2001:db8:6::2/64"));
  EXPECT_THAT(addr, ::testing::Not(HasSubstr("tentative")));
  EXPECT_THAT(in("a", {"ip", "-6", "route", "show", "default"}), HasSubstr("default via 2001:db8:6::1 dev eth0"));
  EXPECT_THAT(in("a", {PROBE_PATH, "ping", "2001:db8:6::b"}), HasSubstr("\"outcome\":\"ok\""));
  EXPECT_THAT(in("b", {PROBE_PATH, "ping", "2001:db8:6::1"}), HasSubstr("\"outcome\":\"ok\""));
  OK(rt_->remove_container("b"));
  OK(rt_->create_container(fixed));  // its address went back to the pool
  // An IPv6 address on an IPv4-only network, or IPv6 on a driver without it, is refused.
  auto v4only = rt_->create_container({.name = "c", .networks = {{.network = "bridge", .ip6 = *IpAddr::parse("2001:db8:6::c")}}});
  ASSERT_FALSE(v4only);
  EXPECT_THAT(v4only.error().message(), HasSubstr("network bridge has no IPv6"));
  auto mac = rt_->create_network({.name = "mv", .driver = "macvlan", .ipv6 = true, .parent = "lo"});
  ASSERT_FALSE(mac);
  EXPECT_THAT(mac.error().message(), HasSubstr("macvlan driver has no IPv6"));
}

// An IPv6 port published on a dual-stack container answers at once, to a client whose
// address is not on the bridge (here the host's own, on lo: output DNAT). This needs a
// usable link-local address on the bridge to solicit the container's neighbour entry with,
// so no DAD there either (bridge.cc); with DAD the first second or two timed out.
TEST_F(RuntimeKernel, Ipv6PublishedPortAnswersAtOnceFromOffTheBridge) {
  ASSERT_NO_FATAL_FAILURE(fresh_runtime({.probe_path = PROBE_PATH}));  // one that runs the probes
  OK(rt_->create_network({.name = "six", .ipv6 = true, .subnet6 = *Prefix::parse("2001:db8:6::/64")}));
  api::PortSpec p{.host_first = 8080, .host_last = 8080, .container_first = 80, .container_last = 80};
  auto c = rt_->create_container({.name = "w", .networks = {{.network = "six"}}, .publish = {p},
                                  .command = {"serve", "tcp://0.0.0.0:80", "tcp://[::]:80"}});
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->ports.size(), 1u);  // 0.0.0.0 and [::] are one mapping
  auto rtnl = netlink::Rtnl::open(host_);
  ASSERT_TRUE(rtnl) << rtnl.error().message();
  OK(rtnl->set_up("lo"));
  OK(rtnl->add_address("lo", *Prefix::parse("2001:db8:99::10/128")));
  auto r = run({.argv = {PROBE_PATH, "connect", "tcp://[2001:db8:99::10]:8080", "--timeout-ms", "1000"}, .ns = &host_},
               std::chrono::seconds(5));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(r->out, HasSubstr("\"local\":\"[2001:db8:6::2]:80\""));
}

// DNS-034: the embedded server listens on ephemeral ports and a nat table in the
// container sends 127.0.0.11:53 there (dns_redirect.h), so the container's own server
// binds 0.0.0.0:53 (UDP and TCP) and names still resolve, over both; the table goes when
// the container leaves its last user-defined network.
TEST_F(RuntimeKernel, EmbeddedDnsLeavesPort53ToTheContainersOwnServer) {
  ASSERT_NO_FATAL_FAILURE(fresh_runtime({.probe_path = PROBE_PATH}));  // one that runs the probes
  OK(rt_->create_network({.name = "app", .subnet = *Prefix::parse("172.18.0.0/16")}));
  OK(rt_->create_container({.name = "api", .networks = {{.network = "app"}}}));
  auto box = rt_->create_container(
      {.name = "box", .networks = {{.network = "app"}}, .command = {"serve", "udp://0.0.0.0:53", "tcp://0.0.0.0:53"}});
  ASSERT_TRUE(box) << box.error().message();
  for (const char* tcp : {"--no-tcp-fallback", "--tcp"})
    EXPECT_THAT(in("box", {PROBE_PATH, "resolve", "api", "--server", "127.0.0.11", tcp}),
                HasSubstr("\"answers\":[\"172.18.0.2\"]"))
        << tcp;
  EXPECT_THAT(in("api", {PROBE_PATH, "connect", "udp://172.18.0.3:53", "--timeout-ms", "1000"}),
              HasSubstr("\"outcome\":\"ok\""));
  EXPECT_THAT(in("box", {"nft", "list", "tables"}), HasSubstr("table inet netimpl_dns"));
  OK(rt_->disconnect("box", "app"));
  EXPECT_THAT(in("box", {"nft", "list", "tables"}), ::testing::Not(HasSubstr("netimpl_dns")));
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
