#include "harness/checks/template.h"

#include <gtest/gtest.h>

#include <map>

namespace nc::checks {
namespace {

using K = Variable::Kind;

TEST(ParseVariable, EveryForm) {
  auto v = parse_variable("api.ip");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, K::kContainerIp);
  EXPECT_EQ(v->container, "api");
  EXPECT_EQ(v->network, "");

  v = parse_variable("api.ip.appnet");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, K::kContainerIp);
  EXPECT_EQ(v->network, "appnet");

  v = parse_variable("api.gateway.appnet");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, K::kContainerGateway);
  EXPECT_EQ(v->container, "api");
  EXPECT_EQ(v->network, "appnet");

  EXPECT_EQ(parse_variable("net.appnet.subnet")->kind, K::kNetworkSubnet);
  EXPECT_EQ(parse_variable("net.appnet.gateway")->network, "appnet");
  EXPECT_EQ(parse_variable("host.ip")->kind, K::kHostIp);
  EXPECT_EQ(parse_variable("external.ip")->kind, K::kExternalIp);
  EXPECT_EQ(parse_variable("external.ip")->text, "external.ip");
}

TEST(ParseVariable, IPv6Twins) {
  struct Case {
    const char* text;
    K kind;
    const char* container;
    const char* network;
  };
  for (auto c : {Case{"api.ip6", K::kContainerIp, "api", ""}, Case{"api.ip6.appnet", K::kContainerIp, "api", "appnet"},
                 Case{"api.gateway6.appnet", K::kContainerGateway, "api", "appnet"},
                 Case{"net.appnet.subnet6", K::kNetworkSubnet, "", "appnet"},
                 Case{"net.appnet.gateway6", K::kNetworkGateway, "", "appnet"}, Case{"host.ip6", K::kHostIp, "", ""},
                 Case{"external.ip6", K::kExternalIp, "", ""}}) {
    auto v = parse_variable(c.text);
    ASSERT_TRUE(v) << c.text << ": " << v.error().message();
    EXPECT_EQ(v->kind, c.kind) << c.text;
    EXPECT_EQ(v->container, c.container) << c.text;
    EXPECT_EQ(v->network, c.network) << c.text;
    EXPECT_TRUE(v->v6) << c.text;
    EXPECT_EQ(v->text, c.text);
  }
  for (auto v4 : {"api.ip", "api.ip.appnet", "api.gateway.appnet", "net.appnet.subnet", "net.appnet.gateway",
                  "host.ip", "external.ip", "web.port.80", "kept.x"}) {
    EXPECT_FALSE(parse_variable(v4)->v6) << v4;
  }
}

TEST(ParseVariable, ContainerPort) {
  auto v = parse_variable("web.port.80");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->kind, K::kContainerPort);
  EXPECT_EQ(v->container, "web");
  EXPECT_EQ(v->port, 80);
  EXPECT_EQ(v->proto, Proto::kTcp);
  v = parse_variable("dns.port.53/udp");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->port, 53);
  EXPECT_EQ(v->proto, Proto::kUdp);
  EXPECT_EQ(parse_variable("web.port.65535/tcp")->port, 65535);
}

TEST(ParseVariable, RejectsOtherForms) {
  for (auto bad : {"", "api", "api.mac", "api.gateway", "api.ip.a.b", "net.appnet", "net.appnet.mtu",
                   "host.ip.appnet", "host.gateway.bridge", "net.ip", "api..appnet", ".ip", "web.port",
                   "web.port.0", "web.port.65536", "web.port.80/sctp", "web.port.8x", "web.port.80/",
                   "web.port./tcp", "host.port.80", "net.port.80", "api.ip4", "api.ip66", "api.gateway6",
                   "api.ip6.a.b", "api.port6.80", "net.appnet.subnet4", "net.appnet.mtu6", "host.ip6.appnet",
                   "host.gateway6", "external.ip6x", "kept6.x", "net.ip6"}) {
    auto v = parse_variable(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_NE(v.error().message().find("expected CONTAINER.ip"), std::string::npos) << v.error().message();
  }
}

TEST(ParseVariable, TheErrorListsEveryForm) {
  auto v = parse_variable("api.mac6");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message(),
            "bad variable ${api.mac6}: expected CONTAINER.ip[6], CONTAINER.ip[6].NETWORK, CONTAINER.gateway[6].NETWORK, "
            "CONTAINER.port.PORT[/tcp|/udp], net.NETWORK.subnet[6], net.NETWORK.gateway[6], host.ip[6], external.ip[6] "
            "or kept.NAME");
}

TEST(TemplateVariables, InOrderAndSyntax) {
  auto vars = template_variables("tcp://${api.ip.appnet}:8080 from ${host.ip} costs $$5 or $x");
  ASSERT_TRUE(vars) << vars.error().message();
  ASSERT_EQ(vars->size(), 2u);
  EXPECT_EQ((*vars)[0].text, "api.ip.appnet");
  EXPECT_EQ((*vars)[1].kind, K::kHostIp);
  EXPECT_TRUE(template_variables("no variables")->empty());
  EXPECT_TRUE(template_variables("$${not.a.variable}")->empty());
  auto unterminated = template_variables("x ${api.ip");
  ASSERT_FALSE(unterminated);
  EXPECT_EQ(unterminated.error().message(), "'x ${api.ip': '${' at offset 2 has no closing '}'");
  EXPECT_FALSE(template_variables("${api.mac}"));
}

class Expand : public ::testing::Test {
 protected:
  std::map<std::string, std::string, std::less<>> values_ = {
      {"api.ip.appnet", "172.18.0.2"}, {"host.ip", "203.0.113.10"}, {"net.appnet.subnet", "172.18.0.0/16"}};
  VariableLookup lookup_ = [this](std::string_view var) -> std::optional<std::string> {
    auto it = values_.find(var);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  };
};

TEST_F(Expand, ReplacesEveryVariable) {
  EXPECT_EQ(*expand("tcp://${api.ip.appnet}:8080", lookup_), "tcp://172.18.0.2:8080");
  EXPECT_EQ(*expand("${host.ip}${host.ip}", lookup_), "203.0.113.10203.0.113.10");
  EXPECT_EQ(*expand("in ${net.appnet.subnet}.", lookup_), "in 172.18.0.0/16.");
  EXPECT_EQ(*expand("", lookup_), "");
}

TEST_F(Expand, DollarsAreLiteralExceptBeforeABrace) {
  EXPECT_EQ(*expand("$$", lookup_), "$");
  EXPECT_EQ(*expand("$${host.ip}", lookup_), "${host.ip}");
  EXPECT_EQ(*expand("a$b $", lookup_), "a$b $");
  EXPECT_EQ(*expand("$$$${host.ip}", lookup_), "$${host.ip}");
}

TEST_F(Expand, AnIPv6TwinIsItsOwnVariable) {
  values_["api.ip6.appnet"] = "2001:db8:1::2";
  EXPECT_EQ(*expand("tcp://[${api.ip6.appnet}]:80 or ${api.ip.appnet}", lookup_), "tcp://[2001:db8:1::2]:80 or 172.18.0.2");
  auto missing = expand("${host.ip6}", lookup_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "cannot resolve ${host.ip6}");
}

TEST_F(Expand, FailsOnUnresolvedOrMalformed) {
  auto missing = expand("tcp://${api.ip.backend}:80", lookup_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "cannot resolve ${api.ip.backend}");
  EXPECT_FALSE(expand("${host.ip", lookup_));
  EXPECT_FALSE(expand("${api.mac}", lookup_));
  EXPECT_FALSE(expand("${}", lookup_));
}

}  // namespace
}  // namespace nc::checks
