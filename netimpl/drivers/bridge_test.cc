// Unit tests of the bridge driver without a kernel: host and container netlink are
// FakeLinks (netimpl/netlink/testing), and what the driver asked for is read from the
// calls they recorded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "netimpl/drivers/bridge.h"
#include "netimpl/netlink/testing/fake_links.h"

namespace nc::drivers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct BridgeFixture : ::testing::Test {
  void SetUp() override {
    net.spec = {.name = "appnet"};
    net.info.subnet = *Prefix::parse("172.18.0.0/16");
    net.info.gateway = *IpAddr::parse("172.18.0.1");
  }
  netlink::testing::FakeLinks host_links{"host"}, container_links{"web"};
  Namespaces ns;  // never entered: only its address travels in the request
  NetworkState net;
  HostContext host{.ns = nullptr, .rtnl = &host_links};
  SandboxContext sb{.name = "web", .ns = &ns, .rtnl = &container_links};
  EndpointState ep{.network = "appnet", .ifname = "eth0", .host_ifname = "veth0000001",
                   .ip = *IpAddr::parse("172.18.0.2"), .prefix_len = 16};
  BridgeDriver driver;
};

TEST_F(BridgeFixture, NetworkIsABridgeWithTheGatewayUp) {
  ASSERT_TRUE(driver.create_network(host, net));
  EXPECT_EQ(net.info.bridge, "br-appnet");
  EXPECT_THAT(host_links.calls(),
              ElementsAre("create_bridge br-appnet", "add_address br-appnet 172.18.0.1/16", "set_up br-appnet up"));
}

// One request makes the pair (enslaved, up, the container end with the derived MAC), then
// hairpin on the host end; the container end gets its address and comes up.
TEST_F(BridgeFixture, AttachMakesAHairpinPortAndADerivedMac) {
  ASSERT_TRUE(driver.create_network(host, net));
  host_links.clear_calls();
  ASSERT_TRUE(driver.attach(host, net, sb, ep));
  EXPECT_EQ(ep.mac, "02:42:ac:12:00:02");
  EXPECT_THAT(host_links.calls(), ElementsAre("create_veth veth0000001 eth0 master=br-appnet up mac=02:42:ac:12:00:02",
                                              "set_hairpin veth0000001 on"));
  EXPECT_THAT(container_links.calls(), ElementsAre("add_address eth0 172.18.0.2/16", "set_up eth0 up"));
}

// attach succeeds fully or leaves nothing: a failure after the create deletes the pair.
TEST_F(BridgeFixture, AFailedAttachDeletesThePairItMade) {
  for (const char* step : {"set_hairpin", "add_address", "set_up eth0"}) {
    SCOPED_TRACE(step);
    netlink::testing::FakeLinks h{"host"}, c{"web"};
    host.rtnl = &h;
    sb.rtnl = &c;
    (std::string_view(step).starts_with("set_hairpin") ? h : c).fail_next(step);
    auto r = driver.attach(host, net, sb, ep);
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().message(), HasSubstr(step));
    EXPECT_EQ(h.calls().back(), "delete_link veth0000001");
    EXPECT_FALSE(*h.find_link("veth0000001"));
  }
}

}  // namespace
}  // namespace nc::drivers
