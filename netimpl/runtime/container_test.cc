// Unit tests of a container's default route, without a kernel: the container's netlink
// client is a FakeLinks (netimpl/netlink/testing), and what sync_default_route asks of it
// is read from the calls it recorded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "netimpl/netlink/testing/fake_links.h"
#include "netimpl/runtime/container.h"

namespace nc::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

drivers::EndpointState ep(std::string network, std::string ifname, const char* gateway) {
  drivers::EndpointState e{.network = std::move(network), .ifname = std::move(ifname)};
  if (gateway) e.gateway = *IpAddr::parse(gateway);
  return e;
}

class DefaultRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = std::make_unique<netlink::testing::FakeLinks>("c");
    links_ = fake.get();
    c_.name = "c";
    c_.rtnl = std::move(fake);
  }
  Container c_;
  netlink::testing::FakeLinks* links_ = nullptr;
};

TEST_F(DefaultRoute, FollowsTheFirstEndpointWithAGateway) {
  c_.endpoints = {ep("internal", "eth0", nullptr), ep("appnet", "eth1", "172.18.0.1")};
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("add_route default via 172.18.0.1 dev eth1"));

  links_->clear_calls();
  ASSERT_TRUE(sync_default_route(c_));  // nothing changed: nothing asked
  EXPECT_THAT(links_->calls(), IsEmpty());

  // eth1 leaves (the kernel dropped the route with the link); eth2 gives the next one.
  c_.endpoints = {ep("internal", "eth0", nullptr), ep("other", "eth2", "172.19.0.1")};
  c_.default_routes[0] = {};
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("add_route default via 172.19.0.1 dev eth2"));
}

// libnetwork orders endpoints by gateways, then network name (drivers::gateway_endpoint):
// joining a network whose name sorts first moves the route; one that sorts last does not.
TEST_F(DefaultRoute, MovesToANetworkWhoseNameSortsFirstAndGoesWithTheLastGateway) {
  c_.endpoints = {ep("appnet", "eth1", "172.18.0.1")};
  ASSERT_TRUE(sync_default_route(c_));
  c_.endpoints.push_back(ep("zzz", "eth2", "172.21.0.1"));
  links_->clear_calls();
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), IsEmpty());
  c_.endpoints.pop_back();
  c_.endpoints.push_back(ep("aaa", "eth0", "172.20.0.1"));
  links_->clear_calls();
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("del_route default via 172.18.0.1 dev eth1",
                                           "add_route default via 172.20.0.1 dev eth0"));
  c_.endpoints = {ep("internal", "eth3", nullptr)};
  links_->clear_calls();
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("del_route default via 172.20.0.1 dev eth0"));
  EXPECT_FALSE(c_.default_routes[0].gateway);
}

// A refused add leaves the container knowing it has no default route, so the next sync
// tries again instead of believing the route is there.
TEST_F(DefaultRoute, AFailedAddIsReportedAndRetriedByTheNextSync) {
  c_.endpoints = {ep("appnet", "eth0", "172.18.0.1")};
  links_->fail_next("add_route", ENETUNREACH);
  auto r = sync_default_route(c_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sys_errno(), ENETUNREACH);
  EXPECT_FALSE(c_.default_routes[0].gateway);
  links_->clear_calls();
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("add_route default via 172.18.0.1 dev eth0"));
}

// A dual-stack endpoint outranks an IPv4-only one whatever the names (its IPv6 gateway
// counts 2): both families' default routes go through it, as on Docker 20.10 and 26.1.
TEST_F(DefaultRoute, ADualStackEndpointGivesBothFamiliesTheirDefaultRoute) {
  auto six = ep("six", "eth1", "172.19.0.1");
  six.gateway6 = *IpAddr::parse("2001:db8:1::1");
  c_.endpoints = {ep("appnet", "eth0", "172.18.0.1"), six};
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("add_route default via 172.19.0.1 dev eth1",
                                           "add_route default via 2001:db8:1::1 dev eth1"));
  c_.endpoints = {ep("appnet", "eth0", "172.18.0.1")};
  links_->clear_calls();
  ASSERT_TRUE(sync_default_route(c_));
  EXPECT_THAT(links_->calls(), ElementsAre("del_route default via 172.19.0.1 dev eth1",
                                           "add_route default via 172.18.0.1 dev eth0",
                                           "del_route default via 2001:db8:1::1 dev eth1"));
  EXPECT_FALSE(c_.default_routes[1].gateway);
  EXPECT_EQ(c_.default_routes[0].dev, "eth0");
}

}  // namespace
}  // namespace nc::runtime
