#include "harness/probe/proc_net.h"

#include <netinet/in.h>

#include <gtest/gtest.h>

namespace nc::probe {
namespace {

// Lines as this kernel prints them (x86-64, little-endian).
constexpr const char* kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
constexpr const char* kTcpListen =
    "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 489 1 "
    "0000000098cec57a 100 0 0 10 0";
constexpr const char* kTcpEstablished =
    "   1: 020012AC:AAB3 010012AC:E952 01 00000000:00000000 03:000015A9 00000000     0        0 0 3 0";
constexpr const char* kTcp6Listen =
    "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 12345 1 0";
constexpr const char* kTcp6Global =
    "   1: 000000FD000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 "
    "00:00000000 00000000     0        0 1 2 0 0";
constexpr const char* kUdpBound =
    "  7: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 "
    "0000000000000000 0";

TEST(ProcNet, DecodesLittleEndianIpv4) {
  EXPECT_EQ(decode_proc_addr("0100007F", AF_INET), "127.0.0.1");
  EXPECT_EQ(decode_proc_addr("020012AC", AF_INET), "172.18.0.2");
  EXPECT_EQ(decode_proc_addr("00000000", AF_INET), "0.0.0.0");
  EXPECT_FALSE(decode_proc_addr("0100007", AF_INET));
  EXPECT_FALSE(decode_proc_addr("0100007G", AF_INET));
}

TEST(ProcNet, DecodesWordSwappedIpv6) {
  EXPECT_EQ(decode_proc_addr("00000000000000000000000001000000", AF_INET6), "::1");
  EXPECT_EQ(decode_proc_addr("000000FD000000000000000001000000", AF_INET6), "fd00::1");
  EXPECT_EQ(decode_proc_addr("000080FE00000000FF00FC0201000EFE", AF_INET6), "fe80::2fc:ff:fe0e:1");
  EXPECT_FALSE(decode_proc_addr("0100007F", AF_INET6));
}

TEST(ProcNet, ParsesSocketLines) {
  EXPECT_FALSE(parse_socket_line(kTcpHeader, AF_INET));
  EXPECT_FALSE(parse_socket_line("", AF_INET));
  auto l = parse_socket_line(kTcpListen, AF_INET);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->local, "127.0.0.1:80");
  EXPECT_EQ(l->state, 0x0A);
  auto e = parse_socket_line(kTcpEstablished, AF_INET);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->local, "172.18.0.2:43699");
  EXPECT_EQ(e->state, 0x01);
  auto v6 = parse_socket_line(kTcp6Listen, AF_INET6);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->local, "[::1]:8080");
  EXPECT_EQ(parse_socket_line(kTcp6Global, AF_INET6)->local, "[fd00::1]:53");
  auto u = parse_socket_line(kUdpBound, AF_INET);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->local, "0.0.0.0:53");
  EXPECT_EQ(u->state, 0x07);
}

TEST(ProcNet, ParsesIpv4Routes) {
  EXPECT_FALSE(parse_route_line("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"));
  auto def = parse_route_line("eth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0");
  ASSERT_TRUE(def);
  EXPECT_EQ(def->dst, "0.0.0.0/0");
  EXPECT_EQ(def->via, "172.18.0.1");
  EXPECT_EQ(def->dev, "eth0");
  auto net = parse_route_line("eth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->dst, "172.18.0.0/16");
  EXPECT_EQ(net->via, "");
  // Not up: skipped.
  EXPECT_FALSE(parse_route_line("eth0\t000012AC\t00000000\t0000\t0\t0\t0\t0000FFFF\t0\t0\t0"));
  // An unreachable route has no device.
  auto rej = parse_route_line("*\t007100CB\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0");
  ASSERT_TRUE(rej);
  EXPECT_EQ(rej->dst, "203.0.113.0/24");
  EXPECT_EQ(rej->dev, "");
}

TEST(ProcNet, ParsesIpv6RoutesOfTheMainTableOnly) {
  auto net = parse_ipv6_route_line(
      "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->dst, "fd00::/64");
  EXPECT_EQ(net->via, "");
  EXPECT_EQ(net->dev, "eth0");
  auto def = parse_ipv6_route_line(
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
      "fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0");
  ASSERT_TRUE(def);
  EXPECT_EQ(def->dst, "::/0");
  EXPECT_EQ(def->via, "fd00::1");
  // Local address, multicast and the kernel's null entry are not routes a person set.
  EXPECT_FALSE(parse_ipv6_route_line(
      "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000000 00000003 00000000 80200001       lo"));
  EXPECT_FALSE(parse_ipv6_route_line(
      "ff000000000000000000000000000000 08 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000003 00000000 00000001     eth0"));
  EXPECT_FALSE(parse_ipv6_route_line(
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo"));
}

TEST(ProcNet, SplitsLines) {
  auto l = split_lines("a\nb c\n\nd");
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[1], "b c");
  EXPECT_EQ(l[2], "");
  EXPECT_EQ(split_lines("x\n").size(), 1u);
}

}  // namespace
}  // namespace nc::probe
