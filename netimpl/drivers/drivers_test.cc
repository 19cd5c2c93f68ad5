// Pure tests of the drivers: validation (bad input refused naming network and option) and
// the child links macvlan/ipvlan ask for, through a fake executor — so ipvlan's code runs
// on kernels without CONFIG_IPVLAN.
#include <gtest/gtest.h>

#include "netimpl/drivers/overlay.h"
#include "netimpl/drivers/registry.h"
#include "netimpl/drivers/shared_ns.h"
#include "netimpl/drivers/sublink.h"

namespace nc::drivers {
namespace {

constexpr auto kMacvlan = SubLinkDriver::Kind::kMacvlan;
constexpr auto kIpvlan = SubLinkDriver::Kind::kIpvlan;

api::NetworkSpec spec(std::string name, std::string driver) {
  api::NetworkSpec s;
  s.name = std::move(name);
  s.driver = std::move(driver);
  return s;
}

TEST(DriversTest, RegistryHasEveryDriverWithItsKernelNeeds) {
  auto m = make_drivers(std::make_shared<OverlayControlPlane>());
  for (auto n : {"bridge", "host", "none", "macvlan", "ipvlan", "overlay"}) EXPECT_TRUE(m.contains(n)) << n;
  EXPECT_EQ(m.at("ipvlan")->requirements(), std::vector<std::string>{"ipvlan"});
  EXPECT_EQ(m.at("macvlan")->requirements(), std::vector<std::string>{"macvlan"});
  EXPECT_TRUE(m.at("host")->requirements().empty());
  EXPECT_FALSE(m.at("none")->assigns_addresses());
  EXPECT_TRUE(m.at("overlay")->assigns_addresses());
  EXPECT_EQ(driver_needs().size(), 6u);
}

// What the runtime asks of a driver instead of comparing its name.
TEST(DriversTest, EachDriverTellsItsProperties) {
  auto m = make_drivers(std::make_shared<OverlayControlPlane>());
  for (auto& [name, d] : m) {
    EXPECT_EQ(d->shares_host_ns(), name == "host") << name;
    EXPECT_EQ(d->exclusive(), name == "host" || name == "none") << name;
    EXPECT_EQ(d->name_discovery(), name != "host" && name != "none") << name;
    EXPECT_EQ(d->spans_hosts(), name == "overlay") << name;
  }
}

// Docker up to 27: 02:42 and the IPv4 address's bytes; the kernel's choice for IPv6.
TEST(DriversTest, DerivedMacIsTheDockerOneForIpv4Only) {
  EXPECT_EQ(derived_mac(*IpAddr::parse("172.18.0.2")), "02:42:ac:12:00:02");
  EXPECT_EQ(derived_mac(*IpAddr::parse("10.255.1.254")), "02:42:0a:ff:01:fe");
  EXPECT_EQ(derived_mac(*IpAddr::parse("2001:db8::2")), "");
}

TEST(DriversTest, HostAndNoneRefuseOptionsAndSecondInstances) {
  EXPECT_TRUE(HostDriver().validate(spec("host", "host")));
  auto s = spec("host", "host");
  s.mtu = 1400;
  auto r = HostDriver().validate(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "network host: option mtu is not supported by driver host");
  r = NoneDriver().validate(spec("mynone", "none"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("network mynone: only one instance of the none network"), std::string::npos);
}

TEST(DriversTest, MacvlanNeedsAParentAndAKnownMode) {
  auto s = spec("lan", "macvlan");
  auto r = SubLinkDriver(kMacvlan).validate(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "network lan: option parent is required by driver macvlan");
  s.parent = "eth0";
  EXPECT_TRUE(SubLinkDriver(kMacvlan).validate(s));
  s.mode = "l3";
  r = SubLinkDriver(kMacvlan).validate(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("network lan: option mode l3"), std::string::npos);
  s.mode = "vepa";
  s.internal = true;
  r = SubLinkDriver(kMacvlan).validate(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "network lan: option internal is not supported by driver macvlan");
}

TEST(DriversTest, OverlayRefusesVlanOptions) {
  auto s = spec("ov", "overlay");
  EXPECT_TRUE(OverlayDriver(nullptr).validate(s));
  s.parent = "eth0";
  auto r = OverlayDriver(nullptr).validate(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "network ov: option parent is not supported by driver overlay");
  EXPECT_EQ(OverlayDriver::link_name("vx", "ov"), "vx-ov");
  EXPECT_EQ(OverlayDriver::link_name("vx", "a-very-long-network-name").size(), 15u);
}

TEST(DriversTest, VniIsStablePerNetwork) {
  OverlayControlPlane cp;
  EXPECT_EQ(cp.vni("a"), 4096u);
  EXPECT_EQ(cp.vni("b"), 4097u);
  EXPECT_EQ(cp.vni("a"), 4096u);
}

struct Recorder {
  std::vector<SubLinkRequest> seen;
  Result<void> answer;
  SubLinkExecutor exec() {
    return [this](netlink::Links*, const SubLinkRequest& r) -> Result<void> {
      seen.push_back(r);
      return answer;
    };
  }
};

struct Fixture {
  Namespaces ns;  // never entered: only its address travels in the request
  NetworkState net;
  SandboxContext sb{.name = "web", .ns = &ns, .rtnl = nullptr};
  EndpointState ep{.network = "vl", .ifname = "eth1", .host_ifname = "veth0000001", .ip = *IpAddr::parse("203.0.113.201"),
                   .prefix_len = 24, .gateway = std::nullopt, .aliases = {}};
  HostContext host{.ns = nullptr, .rtnl = nullptr};
};

TEST(DriversTest, IpvlanAsksForAChildOfTheParentInTheContainer) {
  Fixture f;
  f.net.spec = spec("vl", "ipvlan");
  f.net.spec.parent = "eth0";
  f.net.spec.mode = "l3";
  auto req = SubLinkDriver(kIpvlan).request(f.net, f.sb, f.ep);
  EXPECT_EQ(req.kind, SubLinkRequest::Kind::kIpvlan);
  EXPECT_EQ(req.parent, "eth0");
  EXPECT_EQ(req.target_ns, &f.ns);
  EXPECT_EQ(req.ifname, "eth1");
  EXPECT_EQ(req.temp_name, "veth0000001");
  EXPECT_EQ(req.ipvlan_mode, netlink::IpvlanMode::kL3);
  f.net.spec.mode = "";
  EXPECT_EQ(SubLinkDriver(kIpvlan).request(f.net, f.sb, f.ep).ipvlan_mode, netlink::IpvlanMode::kL2);
}

TEST(DriversTest, AttachExecutesTheRequestAndReportsTheKernelsRefusal) {
  // The executor fails as this kernel does: the driver passes the reason on and touches
  // nothing in the sandbox (its rtnl is null here: any use would crash the test).
  Fixture f;
  f.net.spec = spec("vl", "ipvlan");
  f.net.spec.parent = "eth0";
  Recorder rec;
  rec.answer = fail("kernel lacks ipvlan (CONFIG_IPVLAN)");
  SubLinkDriver d(kIpvlan, rec.exec());
  auto r = d.attach(f.host, f.net, f.sb, f.ep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("kernel lacks ipvlan"), std::string::npos);
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0], SubLinkDriver(kIpvlan).request(f.net, f.sb, f.ep));
}

TEST(DriversTest, IpvlanL3DefaultRouteIsTheLinkWithoutAGateway) {
  // The RTM_NEWROUTE the runtime sends for the container: default dev eth1, no gateway.
  Fixture f;
  f.net.spec = spec("vl", "ipvlan");
  f.net.spec.parent = "eth0";
  f.net.spec.mode = "l3";
  f.ep.gateway = *IpAddr::parse("203.0.113.1");
  SubLinkDriver(kIpvlan).route(f.net.spec, f.ep);
  auto r = default_route({f.ep});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->dst, Prefix(IpAddr{}, 0));
  EXPECT_FALSE(r->gateway);
  EXPECT_EQ(r->dev, "eth1");

  // L2 keeps the gateway: default via it, out of the same link.
  EndpointState l2 = Fixture().ep;
  l2.gateway = *IpAddr::parse("203.0.113.1");
  f.net.spec.mode = "l2";
  SubLinkDriver(kIpvlan).route(f.net.spec, l2);
  r = default_route({l2});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->gateway, *IpAddr::parse("203.0.113.1"));
  EXPECT_EQ(r->dev, "eth1");
}

// libnetwork's order (sandbox.go, Endpoint.Less), not attach order: most gateways, then
// the network name.
TEST(DriversTest, DefaultRouteFollowsTheGatewayEndpointAsLibnetworkOrdersThem) {
  EndpointState internal{.network = "a-in", .ifname = "eth0"};
  EndpointState l3{.network = "l3", .ifname = "eth1", .default_dev = true};
  EndpointState bridged{.network = "br", .ifname = "eth2", .gateway = *IpAddr::parse("172.18.0.1")};
  EndpointState dual{.network = "zz", .ifname = "eth3", .gateway = *IpAddr::parse("172.19.0.1"),
                     .gateway6 = *IpAddr::parse("2001:db8:1::1")};
  EXPECT_FALSE(default_route({internal}));
  EXPECT_EQ(gateway_endpoint({}), nullptr);
  EXPECT_EQ(default_route({internal, l3, bridged})->dev, "eth2");  // "br" < "l3"
  EXPECT_EQ(default_route({internal, bridged, l3})->dev, "eth2");
  EXPECT_EQ(default_route({l3, internal})->dev, "eth1");          // a gateway beats a name
  EXPECT_EQ(default_route({bridged, dual})->dev, "eth3");         // two gateways beat one
  EXPECT_EQ(default_route({bridged, dual}, AF_INET6)->gateway, *IpAddr::parse("2001:db8:1::1"));
  EXPECT_FALSE(default_route({bridged, l3}, AF_INET6));
}

TEST(DriversTest, MacvlanRequestCarriesTheMode) {
  Fixture f;
  f.net.spec = spec("lan", "macvlan");
  f.net.spec.parent = "eth0";
  f.net.spec.mode = "private";
  Recorder rec;
  rec.answer = fail("nope");
  SubLinkDriver d(kMacvlan, rec.exec());
  EXPECT_FALSE(d.attach(f.host, f.net, f.sb, f.ep));
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].kind, SubLinkRequest::Kind::kMacvlan);
  EXPECT_EQ(rec.seen[0].macvlan_mode, netlink::MacvlanMode::kPrivate);
}

}  // namespace
}  // namespace nc::drivers
