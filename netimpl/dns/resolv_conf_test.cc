#include "netimpl/dns/resolv_conf.h"

#include <gtest/gtest.h>

namespace nc::dns {
namespace {

TEST(ResolvConf, UserNetworkPointsAtTheEmbeddedServerWithHostSearchAndNdots) {
  auto host = parse_resolv_conf("# c\nnameserver 203.0.113.53\nnameserver 127.0.0.53\nsearch lab.test corp.test\n");
  auto text = user_network_resolv_conf(host, {});
  EXPECT_TRUE(text.starts_with("nameserver 127.0.0.11\nsearch lab.test corp.test\noptions ndots:0\n")) << text;
  EXPECT_NE(text.find("host(203.0.113.53)"), std::string::npos);
  auto with_ndots = user_network_resolv_conf(parse_resolv_conf("options ndots:2 edns0\n"), {});
  EXPECT_NE(with_ndots.find("options ndots:2 edns0\n"), std::string::npos);
  EXPECT_EQ(with_ndots.find("ndots:0"), std::string::npos);
}

TEST(ResolvConf, DefaultBridgeDropsLoopbackAndFallsBackToPublicServers) {
  auto host = parse_resolv_conf("nameserver 127.0.0.53\nnameserver 203.0.113.53\nnameserver 2001:db8::53\n");
  EXPECT_EQ(default_bridge_resolv_conf(host, {}, false), "nameserver 203.0.113.53\n");
  auto only_loop = parse_resolv_conf("nameserver 127.0.0.53\n");
  EXPECT_EQ(default_bridge_resolv_conf(only_loop, {}, false), "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  EXPECT_EQ(default_bridge_resolv_conf(host, {*IpAddr::parse("203.0.113.54")}, false), "nameserver 203.0.113.54\n");
  EXPECT_EQ(host_upstreams(host).size(), 3u);
}

TEST(ResolvConf, OnlyTheSystemdStubAloneSendsTheRuntimeToSystemdResolvedsFile) {
  EXPECT_EQ(host_resolv_path(parse_resolv_conf("nameserver 127.0.0.53\nsearch example.test\n")), kSystemdResolvPath);
  // moby compares with "127.0.0.53" exactly, and wants it alone.
  EXPECT_EQ(host_resolv_path(parse_resolv_conf("nameserver 127.0.0.1\n")), kHostResolvPath);
  EXPECT_EQ(host_resolv_path(parse_resolv_conf("nameserver 127.0.0.53\nnameserver 203.0.113.53\n")), kHostResolvPath);
  EXPECT_EQ(host_resolv_path(parse_resolv_conf("")), kHostResolvPath);
}

TEST(ResolvConf, HostsHasTheContainersOwnName) {
  auto text = hosts_file("abc123", "web", {*IpAddr::parse("172.18.0.2")});
  EXPECT_NE(text.find("172.18.0.2\tabc123 web\n"), std::string::npos);
}

}  // namespace
}  // namespace nc::dns
