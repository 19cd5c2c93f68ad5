#include "netimpl/nft/render.h"

#include <gtest/gtest.h>

namespace nc::nft {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
Prefix net(const char* s) { return *Prefix::parse(s); }

std::vector<std::string> rules_of(const Table& t, std::string_view chain) {
  std::vector<std::string> out;
  for (const Chain& c : t.chains)
    if (c.name == chain)
      for (const Rule& r : c.rules) out.push_back(to_string(r));
  return out;
}

Table must_render(const FirewallModel& m) {
  auto t = render(m, "netconform");
  EXPECT_TRUE(t) << t.error().message();
  return t ? *t : Table{};
}

TEST(Render, EmptyModelHasTheFiveChainsAndNoRules) {
  Table t = must_render({});
  EXPECT_EQ(to_string(t),
            "table inet netconform {\n"
            "\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n\t}\n"
            "\tchain postrouting {\n\t\ttype nat hook postrouting priority 100; policy accept;\n\t}\n"
            "\tchain prerouting {\n\t\ttype nat hook prerouting priority -100; policy accept;\n\t}\n"
            "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n\t}\n"
            "\tchain raw {\n\t\ttype filter hook prerouting priority -300; policy accept;\n\t}\n"
            "}\n");
}

TEST(Render, OneBridge) {
  Table t = must_render({.bridges = {{"br-a", net("172.18.0.0/16")}}});
  EXPECT_EQ(rules_of(t, "forward"), (std::vector<std::string>{
                                        R"(oifname "br-a" ct state established,related accept)",
                                        R"(oifname "br-a" iifname "br-a" accept)",
                                        R"(oifname "br-a" drop)",
                                        R"(iifname "br-a" accept)",
                                    }));
  EXPECT_EQ(rules_of(t, "postrouting"), (std::vector<std::string>{
                                            R"(meta nfproto ipv4 ip saddr 172.18.0.0/16 oifname != "br-a" masquerade)",
                                        }));
  EXPECT_TRUE(rules_of(t, "prerouting").empty());
  EXPECT_TRUE(rules_of(t, "output").empty());
}

TEST(Render, TwoBridgesPutEveryIntoRuleBeforeAnyFromRule) {
  Table t = must_render({.bridges = {{"br-a", net("172.18.0.0/16")}, {"br-b", net("172.19.0.0/16")}}});
  EXPECT_EQ(rules_of(t, "forward"), (std::vector<std::string>{
                                        R"(oifname "br-a" ct state established,related accept)",
                                        R"(oifname "br-a" iifname "br-a" accept)",
                                        R"(oifname "br-a" drop)",
                                        R"(oifname "br-b" ct state established,related accept)",
                                        R"(oifname "br-b" iifname "br-b" accept)",
                                        R"(oifname "br-b" drop)",
                                        R"(iifname "br-a" accept)",
                                        R"(iifname "br-b" accept)",
                                    }));
  EXPECT_EQ(rules_of(t, "postrouting").size(), 2u);
}

TEST(Render, InternalBridgeHasNoEgressNoMasqueradeNoPorts) {
  FirewallModel m{.bridges = {{"br-i", net("172.20.0.0/16"), /*internal=*/true}},
                  .ports = {{Proto::kTcp, std::nullopt, 8080, ip("172.20.0.2"), 80, "br-i"}}};
  Table t = must_render(m);
  EXPECT_EQ(rules_of(t, "forward"), (std::vector<std::string>{
                                        R"(oifname "br-i" ct state established,related accept)",
                                        R"(oifname "br-i" iifname "br-i" accept)",
                                        R"(oifname "br-i" drop)",
                                        R"(iifname "br-i" drop)",
                                    }));
  EXPECT_TRUE(rules_of(t, "postrouting").empty());
  EXPECT_TRUE(rules_of(t, "prerouting").empty());
  EXPECT_TRUE(rules_of(t, "output").empty());
}

TEST(Render, IccFalseDropsSameBridgeTrafficAndNeedsBrNetfilter) {
  FirewallModel m{.bridges = {{"br-a", net("172.18.0.0/16"), false, /*icc=*/false}}};
  Table t = must_render(m);
  EXPECT_EQ(rules_of(t, "forward")[1], R"(oifname "br-a" iifname "br-a" drop)");
  EXPECT_TRUE(needs_br_netfilter(m));
  EXPECT_FALSE(needs_br_netfilter({.bridges = {{"br-a", net("172.18.0.0/16")}}}));
}

TEST(Render, PortMappings) {
  FirewallModel m{.bridges = {{"br-a", net("172.18.0.0/16")}, {"br-b", net("172.19.0.0/16")}},
                  .ports = {{Proto::kTcp, std::nullopt, 8080, ip("172.18.0.2"), 80, "br-a"},
                            {Proto::kUdp, ip("203.0.113.10"), 5353, ip("172.19.0.2"), 53, "br-b"},
                            {Proto::kTcp, ip("127.0.0.1"), 8443, ip("172.18.0.3"), 443, "br-a"}}};
  Table t = must_render(m);
  EXPECT_EQ(rules_of(t, "forward"), (std::vector<std::string>{
                                        R"(oifname "br-a" ct state established,related accept)",
                                        R"(oifname "br-a" iifname "br-a" accept)",
                                        R"(meta nfproto ipv4 oifname "br-a" ip daddr 172.18.0.2 tcp dport 80 accept)",
                                        R"(meta nfproto ipv4 oifname "br-a" ip daddr 172.18.0.3 tcp dport 443 accept)",
                                        R"(oifname "br-a" drop)",
                                        R"(oifname "br-b" ct state established,related accept)",
                                        R"(oifname "br-b" iifname "br-b" accept)",
                                        R"(meta nfproto ipv4 oifname "br-b" ip daddr 172.19.0.2 udp dport 53 accept)",
                                        R"(oifname "br-b" drop)",
                                        R"(iifname "br-a" accept)",
                                        R"(iifname "br-b" accept)",
                                    }));
  EXPECT_EQ(rules_of(t, "prerouting"),
            (std::vector<std::string>{
                R"(meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 172.18.0.2:80)",
                R"(meta nfproto ipv4 ip daddr 203.0.113.10 fib daddr type local udp dport 5353 dnat ip to 172.19.0.2:53)",
                R"(meta nfproto ipv4 ip daddr 127.0.0.1 fib daddr type local tcp dport 8443 dnat ip to 172.18.0.3:443)",
            }));
  EXPECT_EQ(rules_of(t, "output"),
            (std::vector<std::string>{
                R"(meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 172.18.0.2:80)",
                R"(meta nfproto ipv4 ip daddr 203.0.113.10 fib daddr type local udp dport 5353 dnat ip to 172.19.0.2:53)",
                R"(meta nfproto ipv4 ip daddr 127.0.0.1 fib daddr type local tcp dport 8443 dnat ip to 172.18.0.3:443)",
            }));
  EXPECT_EQ(rules_of(t, "postrouting"),
            (std::vector<std::string>{
                R"(meta nfproto ipv4 ip saddr 172.18.0.0/16 oifname != "br-a" masquerade)",
                R"(meta nfproto ipv4 ip saddr 172.19.0.0/16 oifname != "br-b" masquerade)",
                R"(meta nfproto ipv4 ip saddr 172.18.0.2 ip daddr 172.18.0.2 tcp dport 80 masquerade)",
                R"(meta nfproto ipv4 ip saddr 172.19.0.2 ip daddr 172.19.0.2 udp dport 53 masquerade)",
                R"(meta nfproto ipv4 ip saddr 172.18.0.3 ip daddr 172.18.0.3 tcp dport 443 masquerade)",
                R"(meta nfproto ipv4 ip saddr 127.0.0.0/8 oifname "br-a" masquerade)",
            }));
  EXPECT_EQ(rules_of(t, "raw"),
            (std::vector<std::string>{
                R"(meta nfproto ipv4 iifname != "lo" ip daddr 127.0.0.1 tcp dport 8443 drop)",
            }));
  EXPECT_EQ(needs_route_localnet(m), (std::vector<std::string>{"br-a"}));
}

TEST(Render, Ipv6MappingUsesIp6Terms) {
  FirewallModel m{.bridges = {{"br-6", net("fd00:1::/64")}},
                  .ports = {{Proto::kTcp, std::nullopt, 8080, ip("fd00:1::2"), 80, "br-6"}}};
  Table t = must_render(m);
  EXPECT_EQ(rules_of(t, "postrouting")[0], R"(meta nfproto ipv6 ip6 saddr fd00:1::/64 oifname != "br-6" masquerade)");
  EXPECT_EQ(rules_of(t, "prerouting")[0],
            R"(meta nfproto ipv6 fib daddr type local tcp dport 8080 dnat ip6 to [fd00:1::2]:80)");
  EXPECT_EQ(rules_of(t, "output")[0],
            R"(meta nfproto ipv6 ip6 daddr != ::1 fib daddr type local tcp dport 8080 dnat ip6 to [fd00:1::2]:80)");
}

TEST(Render, RenderingIsAPureFunctionOfTheModel) {
  FirewallModel m{.bridges = {{"br-a", net("172.18.0.0/16")}},
                  .ports = {{Proto::kTcp, std::nullopt, 8080, ip("172.18.0.2"), 80, "br-a"}}};
  EXPECT_EQ(to_string(must_render(m)), to_string(must_render(m)));
}

struct BadModel {
  FirewallModel model;
  std::string error;
};

TEST(Render, InvalidModelsAreRejectedWithTheObjectNamed) {
  Prefix s = net("172.18.0.0/16");
  std::vector<BadModel> cases = {
      {{.bridges = {{"a-name-of-16-byt", s}}}, "bridge name 'a-name-of-16-byt' must have 1 to 15 bytes"},
      {{.bridges = {{"", s}}}, "bridge name '' must have 1 to 15 bytes"},
      {{.bridges = {{"br-a", s}, {"br-a", s}}}, "bridge br-a is given twice"},
      {{.bridges = {{"br-a", s}}, .ports = {{Proto::kTcp, std::nullopt, 0, ip("172.18.0.2"), 1, "br-a"}}},
       "port mapping tcp/0 -> 172.18.0.2:1: port 0"},
      {{.bridges = {{"br-a", s}}, .ports = {{Proto::kTcp, std::nullopt, 80, ip("172.18.0.2"), 80, "br-x"}}},
       "port mapping tcp/80 -> 172.18.0.2:80: unknown bridge 'br-x'"},
      {{.bridges = {{"br-a", s}}, .ports = {{Proto::kTcp, ip("::1"), 80, ip("172.18.0.2"), 80, "br-a"}}},
       "port mapping tcp/80 -> 172.18.0.2:80: host address ::1 and container address differ in family"},
  };
  for (const BadModel& c : cases) {
    auto t = render(c.model, "netconform");
    ASSERT_FALSE(t) << c.error;
    EXPECT_EQ(t.error().message(), c.error);
  }
}

TEST(MakeRule, GuardGoesFirstOnlyWhenATermIsFamilySpecific) {
  EXPECT_EQ(to_string(make_rule({IfnameMatch{true, IfName("x")}, VerdictStmt{Verdict::kDrop}})), R"(oifname "x" drop)");
  EXPECT_EQ(to_string(make_rule({FibLocalMatch{}, DnatStmt{ip("10.0.0.1"), 1}})),
            "meta nfproto ipv4 fib daddr type local dnat ip to 10.0.0.1:1");
}

TEST(MakeRule, RandomLossNeedsNoFamilyGuard) {
  EXPECT_EQ(to_string(make_rule({RandomBelowMatch{30}, VerdictStmt{Verdict::kDrop}})), "numgen random mod 100 < 30 drop");
}

}  // namespace
}  // namespace nc::nft
