// Kernel tests of blocking_tcp_rules: rules put into a fresh namespace with nft and
// iptables-nft (the tools a person uses; here they only set the scene), read back through
// netlink. Needs root; skips with the reason otherwise.
#include "harness/diagnose/nft_rules.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "netimpl/process/process.h"

namespace nc::diagnose {
namespace {

using namespace std::chrono_literals;

class NftRules : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    auto ns = Namespaces::create("diag-nft", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    ns_.emplace(std::move(*ns));
  }
  void in_ns(std::vector<std::string> argv) {
    auto r = run({.argv = argv, .ns = &*ns_}, 10s);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->exit_code, 0) << argv[0] << ": " << r->err;
  }
  std::vector<std::string> rules(uint16_t port) {
    auto r = blocking_tcp_rules(*ns_, port);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::vector<std::string>{};
  }
  std::optional<Namespaces> ns_;
};

TEST_F(NftRules, AnEmptyRulesetBlocksNothing) { EXPECT_EQ(rules(80), std::vector<std::string>{}); }

TEST_F(NftRules, ADportDropOrRejectIsFoundAndOtherPortsAreNot) {
  in_ns({"nft", "add table inet incident; add chain inet incident input { type filter hook input priority 0; }; "
                "add rule inet incident input tcp dport 80 drop; add rule inet incident input tcp dport 443 reject; "
                "add rule inet incident input tcp dport 22 accept; add chain inet incident out { type filter hook output priority 0; }; "
                "add rule inet incident out tcp dport 80 drop"});
  auto r80 = rules(80);
  ASSERT_EQ(r80.size(), 1u);
  EXPECT_NE(r80[0].find("table inet incident chain input (hook input, handle"), std::string::npos) << r80[0];
  EXPECT_NE(r80[0].find("): tcp dport 80 drop"), std::string::npos) << r80[0];
  ASSERT_EQ(rules(443).size(), 1u);
  EXPECT_NE(rules(443)[0].find("tcp dport 443 reject"), std::string::npos);
  EXPECT_EQ(rules(8080), std::vector<std::string>{});
}

TEST_F(NftRules, NegationsRangesAndOtherProtocolsAreWeighed) {
  in_ns({"nft", "add table ip t; add chain ip t pre { type filter hook prerouting priority 0; }; "
                "add rule ip t pre tcp dport != 22 drop; add rule ip t pre udp dport 80 drop; "
                "add rule ip t pre tcp dport 1000-2000 ip saddr 192.0.2.1 drop"});
  auto r80 = rules(80);
  ASSERT_EQ(r80.size(), 1u) << ::testing::PrintToString(r80);
  EXPECT_NE(r80[0].find("tcp dport != 22 drop"), std::string::npos) << r80[0];
  EXPECT_EQ(rules(22), std::vector<std::string>{});
  auto r1500 = rules(1500);
  ASSERT_EQ(r1500.size(), 2u) << ::testing::PrintToString(r1500);
  EXPECT_NE(r1500[1].find("tcp dport 1000-2000 +1 other match drop"), std::string::npos) << r1500[1];
}

TEST_F(NftRules, IptablesNftRulesShowToo) {
  if (!std::filesystem::exists("/usr/sbin/iptables-nft")) GTEST_SKIP() << "iptables is not installed (ci/install-deps)";
  in_ns({"iptables-nft", "-A", "INPUT", "-p", "tcp", "--dport", "80", "-j", "REJECT"});
  auto r = rules(80);
  ASSERT_EQ(r.size(), 1u) << ::testing::PrintToString(r);
  EXPECT_NE(r[0].find("table ip filter chain INPUT (hook input"), std::string::npos) << r[0];
  EXPECT_NE(r[0].find("tcp dport 80 reject"), std::string::npos) << r[0];
  EXPECT_EQ(rules(81), std::vector<std::string>{});
}

TEST_F(NftRules, AnInputPolicyDropCountsUnlessThePortIsAccepted) {
  in_ns({"nft", "add table inet t; add chain inet t input { type filter hook input priority 0; policy drop; }; "
                "add rule inet t input tcp dport 22 accept"});
  auto r = rules(80);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], "table inet t chain input (hook input): policy drop, no rule accepts tcp dport 80");
  EXPECT_EQ(rules(22), std::vector<std::string>{});
}

}  // namespace
}  // namespace nc::diagnose
