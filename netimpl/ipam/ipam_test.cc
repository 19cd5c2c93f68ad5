#include "netimpl/ipam/ipam.h"

#include <gtest/gtest.h>

namespace nc::ipam {
namespace {

Prefix P(const char* s) { return *Prefix::parse(s); }
IpAddr A(const char* s) { return *IpAddr::parse(s); }

TEST(SubnetPool, SkipsNetworkGatewayAndBroadcast) {
  SubnetPool pool(P("10.1.0.0/30"), A("10.1.0.1"));
  auto a = pool.allocate();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->str(), "10.1.0.2");
  auto b = pool.allocate();  // .3 is the broadcast address
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message(), "no free address left in 10.1.0.0/30");
}

TEST(SubnetPool, ReleasedAddressIsNotReusedAtOnce) {
  SubnetPool pool(P("172.18.0.0/16"), A("172.18.0.1"));
  EXPECT_EQ(pool.allocate()->str(), "172.18.0.2");
  EXPECT_EQ(pool.allocate()->str(), "172.18.0.3");
  pool.release(A("172.18.0.2"));
  EXPECT_EQ(pool.allocate()->str(), "172.18.0.4");
  EXPECT_EQ(pool.in_use(), 2u);
}

TEST(SubnetPool, SerialAllocationWrapsAround) {
  SubnetPool pool(P("10.1.0.0/29"), A("10.1.0.1"));  // usable: .2 to .6
  for (const char* want : {"10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6"})
    EXPECT_EQ(pool.allocate()->str(), want);
  pool.release(A("10.1.0.3"));
  EXPECT_EQ(pool.allocate()->str(), "10.1.0.3");  // the only free one, found by wrapping
  EXPECT_FALSE(pool.allocate());
}

TEST(SubnetPool, ReserveChecksTheSubnetAndDuplicates) {
  SubnetPool pool(P("172.30.0.0/24"), A("172.30.0.1"));
  EXPECT_TRUE(pool.reserve(A("172.30.0.5")));
  EXPECT_EQ(pool.reserve(A("172.30.0.5")).error().message(), "address 172.30.0.5 is already in use");
  EXPECT_EQ(pool.reserve(A("172.31.0.5")).error().message(), "address 172.31.0.5 is not in subnet 172.30.0.0/24");
  EXPECT_EQ(pool.reserve(A("172.30.0.1")).error().message(), "address 172.30.0.1 is reserved in subnet 172.30.0.0/24");
}

TEST(Ipam, AllocatesDefaultPoolsInOrder) {
  Ipam ipam;
  ASSERT_TRUE(ipam.claim("bridge", P("172.17.0.0/16"), A("172.17.0.1")));
  auto n1 = ipam.claim("n1", std::nullopt, std::nullopt);
  ASSERT_TRUE(n1);
  EXPECT_EQ(n1->subnet.str(), "172.18.0.0/16");
  EXPECT_EQ(n1->gateway.str(), "172.18.0.1");
  EXPECT_EQ(ipam.claim("n2", std::nullopt, std::nullopt)->subnet.str(), "172.19.0.0/16");
  ipam.release("n1");
  EXPECT_EQ(ipam.claim("n3", std::nullopt, std::nullopt)->subnet.str(), "172.18.0.0/16");
}

TEST(Ipam, SkipsPoolsTakenByCustomSubnets) {
  Ipam ipam;
  ASSERT_TRUE(ipam.claim("custom", P("172.18.5.0/24"), std::nullopt));
  EXPECT_EQ(ipam.claim("auto", std::nullopt, std::nullopt)->subnet.str(), "172.19.0.0/16");
}

TEST(Ipam, RefusesOverlapNamingTheOtherNetwork) {
  Ipam ipam;
  ASSERT_TRUE(ipam.claim("bridge", P("172.17.0.0/16"), A("172.17.0.1")));
  auto r = ipam.claim("clash", P("172.17.3.0/24"), std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "subnet 172.17.3.0/24 overlaps network bridge (172.17.0.0/16)");
  // The refused network claimed nothing: its name is still free.
  EXPECT_TRUE(ipam.claim("clash", P("172.20.0.0/24"), std::nullopt));
}

TEST(Ipam, GatewayMustBeInsideTheSubnet) {
  Ipam ipam;
  auto r = ipam.claim("n", P("172.30.0.0/24"), A("172.31.0.1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "gateway 172.31.0.1 is not in subnet 172.30.0.0/24");
  EXPECT_FALSE(ipam.overlapping(P("172.30.0.0/24")));
  EXPECT_EQ(ipam.claim("n", P("172.30.0.7/24"), A("172.30.0.254"))->subnet.str(), "172.30.0.0/24");
}

TEST(Ipam, ExhaustedPools) {
  Ipam ipam;
  for (auto& p : Ipam::default_pools()) ASSERT_TRUE(ipam.claim(p.str(), p, std::nullopt));
  auto r = ipam.claim("one-too-many", std::nullopt, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "no free IPv4 subnet left in the default address pools");
}

TEST(SubnetPool, Ipv6HasNoBroadcastAndStartsAfterTheGateway) {
  SubnetPool pool(P("2001:db8:1::/126"), A("2001:db8:1::1"));
  EXPECT_EQ(pool.allocate()->str(), "2001:db8:1::2");
  EXPECT_EQ(pool.allocate()->str(), "2001:db8:1::3");  // the last address is usable in IPv6
  EXPECT_FALSE(pool.allocate());
  EXPECT_EQ(pool.reserve(A("2001:db8:1::")).error().message(), "address 2001:db8:1:: is reserved in subnet 2001:db8:1::/126");
}

TEST(Ipam, DualStackClaimsOneSubnetPerFamily) {
  Ipam ipam;
  ASSERT_TRUE(ipam.claim("n", std::nullopt, std::nullopt, AF_INET));
  auto v6 = ipam.claim("n", std::nullopt, std::nullopt, AF_INET6);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->subnet.str(), "fd00:6e63:6e63::/64");
  EXPECT_EQ(v6->gateway.str(), "fd00:6e63:6e63::1");
  EXPECT_EQ(ipam.claim("m", std::nullopt, std::nullopt, AF_INET6)->subnet.str(), "fd00:6e63:6e63:1::/64");
  auto again = ipam.claim("n", std::nullopt, std::nullopt, AF_INET6);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "network n already has an IPv6 subnet");
  ipam.release("n");  // both families
  EXPECT_EQ(ipam.claim("k", std::nullopt, std::nullopt, AF_INET6)->subnet.str(), "fd00:6e63:6e63::/64");
  EXPECT_EQ(ipam.claim("k", std::nullopt, std::nullopt, AF_INET)->subnet.str(), "172.18.0.0/16");
}

TEST(Ipam, Ipv6SubnetsAreCheckedAsIpv4Ones) {
  Ipam ipam;
  ASSERT_TRUE(ipam.claim("a", P("2001:db8:1::/64"), std::nullopt, AF_INET6));
  auto overlap = ipam.claim("b", P("2001:db8:1:0:8000::/66"), std::nullopt, AF_INET6);
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().message(), "subnet 2001:db8:1:0:8000::/66 overlaps network a (2001:db8:1::/64)");
  auto small = ipam.claim("b", P("2001:db8:2::/127"), std::nullopt, AF_INET6);
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().message(), "IPv6 subnet 2001:db8:2::/127 is too small: a gateway and an endpoint need /126 or larger");
  auto mixed = ipam.claim("b", P("10.0.0.0/24"), std::nullopt, AF_INET6);
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().message(), "subnet 10.0.0.0/24 is not IPv6");
  auto gw = ipam.claim("b", P("2001:db8:2::/64"), A("10.0.0.1"), AF_INET6);
  ASSERT_FALSE(gw);
  EXPECT_EQ(gw.error().message(), "gateway 10.0.0.1 is not IPv6");
  // An IPv4 network never overlaps an IPv6 one.
  EXPECT_TRUE(ipam.claim("b", P("10.0.0.0/24"), std::nullopt, AF_INET));
}

}  // namespace
}  // namespace nc::ipam
