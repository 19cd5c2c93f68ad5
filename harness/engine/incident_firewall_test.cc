// The `firewall:` step's table, as data: what each kind of rule becomes and where.
// The kernel side (the table applied in a container's namespace, a port that stops
// answering) is SCN-005's and the story-step kernel tests'.
#include "harness/engine/incident_firewall.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

using K = checks::FirewallRule::Kind;

checks::FirewallRule rule(K kind) {
  checks::FirewallRule r;
  r.container = "web";
  r.kind = kind;
  return r;
}

TEST(IncidentTable, PortDropsGoToInputAndDnsDropsToAnEarlyOutputChain) {
  auto port = rule(K::kDropPort);
  port.proto = Proto::kUdp;
  port.port = 5140;
  auto table = incident_table({port, rule(K::kDropDns)});
  ASSERT_EQ(table.chains.size(), 2u);
  EXPECT_EQ(table.name, "incident");
  EXPECT_EQ(table.chains[0].name, "input");
  ASSERT_EQ(table.chains[0].rules.size(), 1u);
  EXPECT_NE(nft::to_string(table.chains[0].rules[0]).find("udp dport 5140 drop"), std::string::npos)
      << nft::to_string(table.chains[0].rules[0]);
  EXPECT_EQ(table.chains[1].name, "output");
  // Before a runtime's own DNAT of 127.0.0.11:53 (priority -100): the rule sees port 53.
  EXPECT_LT(table.chains[1].priority, -100);
  ASSERT_EQ(table.chains[1].rules.size(), 2u);
  auto text = nft::to_string(table);
  EXPECT_NE(text.find("udp dport 53 drop"), std::string::npos) << text;
  EXPECT_NE(text.find("tcp dport 53 drop"), std::string::npos) << text;
}

TEST(IncidentTable, LossIsARandomDropAndNonRulesAddNothing) {
  auto loss = rule(K::kLoss);
  loss.loss = 30;
  auto delay = rule(K::kDelay);
  delay.delay_ms = 300;
  auto table = incident_table({loss, delay, rule(K::kRemove)});
  ASSERT_EQ(table.chains.size(), 1u);
  ASSERT_EQ(table.chains[0].rules.size(), 1u);
  auto text = nft::to_string(table.chains[0].rules[0]);
  EXPECT_NE(text.find("numgen random mod 100 < 30 drop"), std::string::npos) << text;
  EXPECT_TRUE(incident_table({}).chains.empty());
}

}  // namespace
}  // namespace nc::engine
