#include <gtest/gtest.h>

#include "harness/runtimes/cli_adapter/cli_runtime.h"

namespace nc::runtimes {
namespace {

using nlohmann::json;

// Recorded from Docker 20.10.24 (`docker container inspect web`, trimmed).
const char* kDockerContainer = R"({"Id":"a1377c23ffed31f2","Name":"/web","Config":{"Hostname":"webh"},
 "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}],
   "53/udp":null,"81/tcp":[{"HostIp":"127.0.0.1","HostPort":"9000"}]},
 "Networks":{"appnet":{"Aliases":["www","a1377c23ffed"],"Gateway":"172.18.0.1","IPAddress":"172.18.0.2",
   "IPPrefixLen":16,"MacAddress":"02:42:ac:12:00:02"},
   "bridge":{"Gateway":"172.17.0.1","IPAddress":"172.17.0.2","IPPrefixLen":16,"MacAddress":"02:42:ac:11:00:02"}}}})";

// Recorded from Podman 4.3.1.
const char* kPodmanContainer = R"({"Id":"cb44a72d","Name":"web","Config":{"Hostname":"webh"},
 "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},
 "Networks":{"podman":{"Gateway":"10.88.0.1","IPAddress":"10.88.0.5","IPPrefixLen":16,"MacAddress":"fe:e8:c3:0b:be:bd"}}}})";

TEST(InspectParse, DockerContainerEndpointsAndPorts) {
  auto c = parse_container(json::parse(kDockerContainer), "bridge");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->name, "web");
  EXPECT_EQ(c->hostname, "webh");
  ASSERT_EQ(c->endpoints.size(), 2u);
  auto* app = c->endpoint("appnet");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->ip.str(), "172.18.0.2");
  EXPECT_EQ(app->prefix_len, 16);
  EXPECT_EQ(app->gateway->str(), "172.18.0.1");
  EXPECT_EQ(app->aliases, (std::vector<std::string>{"www", "a1377c23ffed"}));
  // One mapping for the v4 and v6 bindings of 8080; the loopback one keeps its address;
  // an exposed, unpublished port is not listed.
  ASSERT_EQ(c->ports.size(), 2u);
  int seen = 0;
  for (auto& p : c->ports) {
    if (p.container_port == 80) {
      EXPECT_FALSE(p.host_ip);
      EXPECT_EQ(p.host_port, 8080);
      ++seen;
    }
    if (p.container_port == 81) {
      EXPECT_EQ(p.host_ip->str(), "127.0.0.1");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST(InspectParse, PodmanDefaultNetworkIsCalledBridge) {
  auto c = parse_container(json::parse(kPodmanContainer), "podman");
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_EQ(c->endpoints.size(), 1u);
  EXPECT_EQ(c->endpoints[0].network, "bridge");
  ASSERT_EQ(c->ports.size(), 1u);
  EXPECT_FALSE(c->ports[0].host_ip);
}

TEST(InspectParse, DockerNetworkWithoutGatewayGetsTheFirstAddress) {
  auto n = parse_network(json::parse(R"({"Name":"appnet","Id":"f6f406fa5e868326","Driver":"bridge","Internal":false,
    "IPAM":{"Config":[{"Subnet":"172.18.0.0/16"}]},"Options":{}})"), "bridge");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->subnet.str(), "172.18.0.0/16");
  EXPECT_EQ(n->gateway->str(), "172.18.0.1");
  EXPECT_EQ(n->bridge, "br-f6f406fa5e86");
}

TEST(InspectParse, PodmanNetwork) {
  auto n = parse_network(json::parse(R"({"name":"podman","driver":"bridge","network_interface":"podman0",
    "subnets":[{"subnet":"10.88.0.0/16","gateway":"10.88.0.1"}],"internal":false})"), "podman");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->name, "bridge");
  EXPECT_EQ(n->bridge, "podman0");
  EXPECT_EQ(n->gateway->str(), "10.88.0.1");
}

// Dual stack, as Docker 20.10 prints it (the IPv6 entry first when --subnet gave it first).
TEST(InspectParse, DockerDualStackNetworkAndEndpoint) {
  auto n = parse_network(json::parse(R"({"Name":"six","Id":"0123456789abcdef","Driver":"bridge","Internal":false,
    "EnableIPv6":true,"IPAM":{"Config":[{"Subnet":"2001:db8:6::/64","Gateway":"2001:db8:6::1"},
    {"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]},"Options":{}})"), "bridge");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->subnet.str(), "172.18.0.0/16");
  ASSERT_TRUE(n->subnet6);
  EXPECT_EQ(n->subnet6->str(), "2001:db8:6::/64");
  EXPECT_EQ(n->gateway6->str(), "2001:db8:6::1");
  auto c = parse_container(json::parse(R"({"Id":"abc","Name":"/a","NetworkSettings":{"Networks":{"six":{
    "IPAddress":"172.18.0.2","IPPrefixLen":16,"Gateway":"172.18.0.1","GlobalIPv6Address":"2001:db8:6::2",
    "GlobalIPv6PrefixLen":64,"IPv6Gateway":"2001:db8:6::1","MacAddress":"02:42:ac:12:00:02"}}}})"), "bridge");
  ASSERT_TRUE(c) << c.error().message();
  auto& ep = c->endpoints.at(0);
  ASSERT_TRUE(ep.ip6);
  EXPECT_EQ(ep.ip6->str(), "2001:db8:6::2");
  EXPECT_EQ(ep.prefix_len6, 64);
  EXPECT_EQ(ep.gateway6->str(), "2001:db8:6::1");
  // An IPv4-only endpoint (Docker prints "" for the IPv6 fields) has none.
  auto v4 = parse_container(json::parse(R"({"NetworkSettings":{"Networks":{"n":{"IPAddress":"172.18.0.3",
    "GlobalIPv6Address":"","IPv6Gateway":""}}}})"), "bridge");
  ASSERT_TRUE(v4) << v4.error().message();
  EXPECT_FALSE(v4->endpoints.at(0).ip6);
  auto bad = parse_container(json::parse(R"({"NetworkSettings":{"Networks":{"n":{"IPAddress":"172.18.0.3",
    "GlobalIPv6Address":"2001:db8::zz"}}}})"), "bridge");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("GlobalIPv6Address"), std::string::npos);
}

TEST(InspectParse, PodmanDualStackNetworkWithoutIpv6Gateway) {
  auto n = parse_network(json::parse(R"({"name":"six","driver":"bridge","network_interface":"podman1",
    "subnets":[{"subnet":"10.89.0.0/24","gateway":"10.89.0.1"},{"subnet":"fd12:3456::/64"}],
    "ipv6_enabled":true,"internal":false})"), "podman");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->subnet.str(), "10.89.0.0/24");
  EXPECT_EQ(n->subnet6->str(), "fd12:3456::/64");
  EXPECT_EQ(n->gateway6->str(), "fd12:3456::1");
}

TEST(InspectParse, BadInputIsAnErrorNotACrash) {
  EXPECT_FALSE(parse_container(json::parse("[]"), "bridge"));
  EXPECT_FALSE(parse_container(json::parse(R"({"Id":"x"})"), "bridge"));
  EXPECT_FALSE(parse_network(json::parse(R"({"Name":"n","Driver":"bridge","IPAM":{"Config":[{"Subnet":"nope"}]}})"),
                             "bridge"));
  auto bad_port = parse_container(
      json::parse(R"({"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"","HostPort":"x"}]}}})"), "bridge");
  ASSERT_FALSE(bad_port);
  EXPECT_NE(bad_port.error().message().find("80/tcp"), std::string::npos);
}

}  // namespace
}  // namespace nc::runtimes
