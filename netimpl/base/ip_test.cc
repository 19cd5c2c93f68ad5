#include "netimpl/base/ip.h"

#include <gtest/gtest.h>

namespace nc {
namespace {

TEST(IpAddr, ParsesAndFormatsBothFamilies) {
  EXPECT_EQ(IpAddr::parse("172.18.0.2")->str(), "172.18.0.2");
  EXPECT_EQ(IpAddr::parse("fd00::1")->str(), "fd00::1");
  EXPECT_FALSE(IpAddr::parse("172.18.0.256"));
  EXPECT_EQ(IpAddr::parse("nonsense").error().message(), "'nonsense' is not an IP address");
}

TEST(IpAddr, OffsetCarriesAcrossBytes) {
  EXPECT_EQ(IpAddr::parse("172.18.0.255")->offset(1).str(), "172.18.1.0");
  EXPECT_EQ(IpAddr::parse("fd00::ffff")->offset(1).str(), "fd00::1:0");
}

TEST(Prefix, NetworkBroadcastContains) {
  auto p = *Prefix::parse("172.18.5.9/16");
  EXPECT_EQ(p.network().str(), "172.18.0.0/16");
  EXPECT_EQ(p.broadcast().str(), "172.18.255.255");
  EXPECT_TRUE(p.contains(*IpAddr::parse("172.18.200.1")));
  EXPECT_FALSE(p.contains(*IpAddr::parse("172.19.0.1")));
  EXPECT_EQ(p.size(), 65536u);
}

TEST(Prefix, Overlaps) {
  auto a = *Prefix::parse("172.17.0.0/16");
  EXPECT_TRUE(a.overlaps(*Prefix::parse("172.17.3.0/24")));
  EXPECT_TRUE(Prefix::parse("172.17.3.0/24")->overlaps(a));
  EXPECT_FALSE(a.overlaps(*Prefix::parse("172.18.0.0/16")));
}

TEST(Prefix, RejectsBadLengths) {
  EXPECT_FALSE(Prefix::parse("10.0.0.0/33"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/a"));
  EXPECT_EQ(Prefix::parse("10.0.0.1")->len(), 32);
}

}  // namespace
}  // namespace nc

namespace nc {
namespace {

TEST(IpAddr, LinkLocalInBothFamilies) {
  EXPECT_TRUE(IpAddr::parse("fe80::1")->is_link_local());
  EXPECT_TRUE(IpAddr::parse("febf::1")->is_link_local());
  EXPECT_FALSE(IpAddr::parse("fec0::1")->is_link_local());
  EXPECT_FALSE(IpAddr::parse("2001:db8::1")->is_link_local());
  EXPECT_TRUE(IpAddr::parse("169.254.3.4")->is_link_local());
  EXPECT_FALSE(IpAddr::parse("203.0.113.10")->is_link_local());
}

}  // namespace
}  // namespace nc
