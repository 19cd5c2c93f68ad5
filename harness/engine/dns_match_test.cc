#include "harness/engine/dns_match.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

using nlohmann::json;

json answer() {
  return json::parse(R"({"outcome":"ok","rcode":"noerror","flags":{"tc":false,"aa":false,"ra":true},"ttl":600,
                         "answers":["172.18.0.3","172.18.0.2"],"server":"127.0.0.11"})");
}

Findings run(const checks::Expect& e, ResolvedExpect w, const json& obs) {
  w.expect = &e;
  Findings f;
  match_resolve(w, obs, f);
  return f;
}

TEST(DnsMatch, AddressesAreASetAndRcodeFlagsTtlServerMustMatch) {
  checks::Expect e;
  e.rcode = "noerror";
  e.ttl = 600;
  e.flags = {{"ra", true}, {"aa", false}};
  ResolvedExpect w;
  w.addresses = std::vector<std::string>{"172.18.0.2", "172.18.0.3"};
  w.answered_by = "127.0.0.11";
  EXPECT_TRUE(run(e, w, answer()).problems.empty());
  w.addresses = std::vector<std::string>{"172.18.0.2"};
  EXPECT_EQ(run(e, w, answer()).problems.size(), 1u);
  e.rcode = "nxdomain";
  e.flags = {{"aa", true}};
  w.addresses.reset();
  EXPECT_EQ(run(e, w, answer()).problems.size(), 2u);
}

TEST(DnsMatch, EmptyAddressesMeansNoAnswer) {
  checks::Expect e;
  ResolvedExpect w;
  w.addresses = std::vector<std::string>{};
  EXPECT_EQ(run(e, w, answer()).problems.size(), 1u);
  EXPECT_TRUE(run(e, w, json::parse(R"({"rcode":"noerror","answers":[]})")).problems.empty());
}

TEST(DnsMatch, LogCountAndSource) {
  checks::Expect e;
  e.count = 1;
  ResolvedExpect w;
  w.expect = &e;
  w.source = "203.0.113.10";
  auto obs = json::parse(R"({"outcome":"ok","queries":[{"name":"www.example.test","source":"203.0.113.10"}]})");
  Findings f;
  match_dns_log(w, obs, f);
  EXPECT_TRUE(f.problems.empty());
  obs["queries"].push_back({{"name", "www.example.test"}, {"source", "172.18.0.2"}});
  Findings g;
  match_dns_log(w, obs, g);
  EXPECT_EQ(g.problems.size(), 2u);
}

}  // namespace
}  // namespace nc::engine
