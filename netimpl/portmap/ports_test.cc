#include "netimpl/portmap/ports.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

namespace nc::portmap {
namespace {

api::PortSpec spec(uint16_t hf, uint16_t hl, uint16_t cf, uint16_t cl) {
  api::PortSpec s;
  s.host_first = hf;
  s.host_last = hl;
  s.container_first = cf;
  s.container_last = cl;
  return s;
}

TEST(PortRange, ParsesTheSysctlText) {
  auto r = parse_port_range("32768\t60999\n");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->first, 32768);
  EXPECT_EQ(r->last, 60999);
  EXPECT_EQ(r->size(), 28232u);
  EXPECT_FALSE(parse_port_range("60999 32768"));
  EXPECT_FALSE(parse_port_range("1024"));
  EXPECT_FALSE(parse_port_range("0 70000"));
}

TEST(Clashes, WildcardClashesWithEveryAddressOfTheFamily) {
  HostKey any{Proto::kTcp, std::nullopt, AF_INET, 8080};
  HostKey lo{Proto::kTcp, *IpAddr::parse("127.0.0.1"), AF_INET, 8080};
  HostKey other{Proto::kTcp, *IpAddr::parse("203.0.113.10"), AF_INET, 8080};
  EXPECT_TRUE(clashes(any, lo));
  EXPECT_TRUE(clashes(lo, any));
  EXPECT_TRUE(clashes(lo, lo));
  EXPECT_FALSE(clashes(lo, other));
  HostKey udp = any;
  udp.proto = Proto::kUdp;
  EXPECT_FALSE(clashes(any, udp));
  HostKey port = any;
  port.port = 8081;
  EXPECT_FALSE(clashes(any, port));
  EXPECT_EQ(lo.str(), "127.0.0.1:8080/tcp");
  EXPECT_EQ(any.str(), "0.0.0.0:8080/tcp");
}

TEST(Alternatives, EqualRangesMapOneToOne) {
  auto a = alternatives(spec(8000, 8002, 80, 82), {}, 0);
  ASSERT_TRUE(a) << a.error().message();
  ASSERT_EQ(a->size(), 1u);
  ASSERT_EQ((*a)[0].size(), 3u);
  EXPECT_EQ((*a)[0][2].host_port, 8002);
  EXPECT_EQ((*a)[0][2].container_port, 82);
}

TEST(Alternatives, HostRangeToOnePortTriesEachHostPort) {
  auto a = alternatives(spec(9000, 9010, 80, 80), {}, 0);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 11u);
  EXPECT_EQ((*a)[0][0].host_port, 9000);
  EXPECT_EQ((*a)[10][0].host_port, 9010);
  EXPECT_EQ((*a)[10][0].container_port, 80);
}

TEST(Alternatives, UnequalRangesAreAnError) {
  auto a = alternatives(spec(8000, 8003, 80, 82), {}, 0);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message().find("differ in length"), std::string::npos);
}

TEST(Alternatives, RandomPortsWalkTheEphemeralRangeFromTheStartAndWrap) {
  auto a = alternatives(spec(0, 0, 80, 81), {40000, 40004}, 40003);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 4u);  // blocks of two in five ports
  EXPECT_EQ((*a)[0][0].host_port, 40003);
  EXPECT_EQ((*a)[0][1].host_port, 40004);
  EXPECT_EQ((*a)[1][0].host_port, 40000);
  EXPECT_EQ((*a)[3][0].host_port, 40002);
  for (auto& alt : *a)
    for (auto& p : alt) EXPECT_TRUE(PortRange({40000, 40004}).contains(p.host_port));
}

TEST(Alternatives, ARandomBlockLargerThanTheRangeIsAnError) {
  EXPECT_FALSE(alternatives(spec(0, 0, 80, 90), {40000, 40004}, 40000));
}

}  // namespace
}  // namespace nc::portmap
