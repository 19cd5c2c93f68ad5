// Kernel tests for Firewall: apply/remove in fresh network namespaces, checked from outside
// with `nft -j list ruleset` run inside the namespace. Needs root and nf_tables; skips
// otherwise. The machine's own ruleset is only ever listed (read-only), to prove it is
// unchanged.
#include "netimpl/nft/firewall.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <libmnl/libmnl.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "netimpl/nft/encode.h"
#include "netimpl/nft/testing/ruleset.h"
#include "netimpl/process/process.h"

namespace nc::nft {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
Prefix net(const char* s) { return *Prefix::parse(s); }

// `nft [-j] list ruleset` inside ns (nullptr: the machine's own namespace, read-only).
std::string nft_list(const Namespaces* ns, bool json) {
  std::vector<std::string> argv = {"nft"};
  if (json) argv.push_back("-j");
  argv.insert(argv.end(), {"list", "ruleset"});
  auto r = nc::run({.argv = argv, .ns = ns}, std::chrono::seconds(10));
  EXPECT_TRUE(r) << r.error().message();
  if (!r) return "";
  EXPECT_EQ(r->exit_code, 0) << r->err;
  return r->out;
}

// The JSON ruleset without handles and metainfo (handles change whenever the table is
// recreated, which apply() does by design).
Json dump(const Namespaces& ns) {
  auto r = nft::testing::normalized_ruleset(ns);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : Json();
}

std::vector<Json> objects(const Json& d, const std::string& kind) {
  std::vector<Json> out;
  for (const Json& item : d)
    if (item.contains(kind)) out.push_back(item[kind]);
  return out;
}

FirewallModel model_a() {
  return {.bridges = {{"br-a", net("172.18.0.0/16")}, {"br-b", net("172.19.0.0/16"), false, false}},
          .ports = {{Proto::kTcp, std::nullopt, 8080, ip("172.18.0.2"), 80, "br-a"},
                    {Proto::kUdp, ip("203.0.113.10"), 5353, ip("172.19.0.2"), 53, "br-b"}}};
}

FirewallModel model_b() {
  return {.bridges = {{"br-c", net("172.20.0.0/16"), true}},
          .ports = {{Proto::kTcp, std::nullopt, 9090, ip("172.20.0.5"), 90, "br-c"}}};
}

// The machine's ruleset before and after the suite (listed read-only).
class RootRulesetUntouched : public ::testing::Environment {
 public:
  void SetUp() override {
    if (::geteuid() == 0) before_ = nft_list(nullptr, false);
  }
  void TearDown() override {
    if (::geteuid() != 0) return;
    EXPECT_EQ(nft_list(nullptr, false), before_) << "the root namespace's ruleset changed";
  }

 private:
  std::string before_;
};
const auto* const kRootCheck = ::testing::AddGlobalTestEnvironment(new RootRulesetUntouched);

class FirewallKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto ns = Namespaces::create("fw-host", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    ns_ = std::move(*ns);
    auto fw = Firewall::open(ns_);
    ASSERT_TRUE(fw) << fw.error().message();
    fw_.emplace(std::move(*fw));
    if (auto r = fw_->apply({}); !r && r.error().sys_errno() == EOPNOTSUPP)
      GTEST_SKIP() << "kernel lacks nf_tables NAT: " << r.error().message();
  }

  void apply(const FirewallModel& m) {
    auto r = fw_->apply(m);
    ASSERT_TRUE(r) << r.error().message();
  }

  Namespaces ns_;
  std::optional<Firewall> fw_;
};

TEST_F(FirewallKernel, ApplyCreatesOneInetTableWithTheFiveHookedChains) {
  apply(model_a());
  Json d = dump(ns_);
  auto tables = objects(d, "table");
  ASSERT_EQ(tables.size(), 1u) << d.dump(1);
  EXPECT_EQ(tables[0]["family"], "inet");
  EXPECT_EQ(tables[0]["name"], "netconform");
  std::map<std::string, std::pair<std::string, int>> hooks;  // chain -> (hook, prio)
  for (const Json& c : objects(d, "chain")) hooks[c["name"]] = {c["hook"], c["prio"]};
  EXPECT_EQ(hooks, (std::map<std::string, std::pair<std::string, int>>{{"forward", {"forward", 0}},
                                                                        {"postrouting", {"postrouting", 100}},
                                                                        {"prerouting", {"prerouting", -100}},
                                                                        {"output", {"output", -100}},
                                                                        {"raw", {"prerouting", -300}}}));
  auto table = render(model_a(), "netconform");
  size_t rendered = 0;
  for (const Chain& c : table->chains) rendered += c.rules.size();
  EXPECT_EQ(objects(d, "rule").size(), rendered);
}

// nft reads our rules back as the rules we meant: spot-check the text form.
TEST_F(FirewallKernel, NftReadsTheRulesBackAsTheRenderedText) {
  apply(model_a());
  std::string text = nft_list(&ns_, false);
  EXPECT_THAT(text, HasSubstr(R"(oifname "br-a" ct state established,related accept)"));
  EXPECT_THAT(text, HasSubstr(R"(oifname "br-b" iifname "br-b" drop)"));
  EXPECT_THAT(text, HasSubstr(R"(oifname "br-a" ip daddr 172.18.0.2 tcp dport 80 accept)"));
  EXPECT_THAT(text, HasSubstr(R"(ip saddr 172.18.0.0/16 oifname != "br-a" masquerade)"));
  EXPECT_THAT(text, HasSubstr(R"(fib daddr type local tcp dport 8080 dnat ip to 172.18.0.2:80)"));
  EXPECT_THAT(text, HasSubstr(R"(ip daddr 203.0.113.10 fib daddr type local udp dport 5353 dnat ip to 172.19.0.2:53)"));
}

TEST_F(FirewallKernel, ApplyingTheSameModelTwiceGivesTheSameRuleset) {
  apply(model_a());
  Json first = dump(ns_);
  apply(model_a());
  EXPECT_EQ(dump(ns_), first);
}

TEST_F(FirewallKernel, ApplyingAAfterBIsExactlyA) {
  apply(model_a());
  Json a = dump(ns_);
  apply(model_b());
  Json b = dump(ns_);
  EXPECT_NE(b, a);
  apply(model_a());
  EXPECT_EQ(dump(ns_), a);
}

TEST_F(FirewallKernel, RemoveLeavesAnEmptyRulesetAndIsIdempotent) {
  apply(model_a());
  ASSERT_TRUE(fw_->remove());
  EXPECT_EQ(dump(ns_), Json::array());
  auto again = fw_->remove();
  EXPECT_TRUE(again) << again.error().message();
}

TEST_F(FirewallKernel, DestructorRemovesTheTable) {
  apply(model_a());
  fw_.reset();
  EXPECT_EQ(dump(ns_), Json::array());
}

TEST_F(FirewallKernel, TwoFirewallsWithDifferentTablesDoNotTouchEachOther) {
  auto other = Firewall::open(ns_, "other");
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->apply(model_b()));
  apply(model_a());
  ASSERT_TRUE(fw_->remove());
  auto tables = objects(dump(ns_), "table");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0]["name"], "other");
}

TEST_F(FirewallKernel, InvalidModelIsRejectedBeforeTheKernelAndNamesTableAndNetns) {
  apply(model_a());
  Json a = dump(ns_);
  FirewallModel bad = model_a();
  bad.ports[0].bridge = "br-x";
  auto r = fw_->apply(bad);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(), StartsWith("apply firewall table inet netconform in netns fw-host: port mapping"));
  EXPECT_EQ(dump(ns_), a);
}

TEST_F(FirewallKernel, KernelErrorNamesTableNetnsAndMessageAndChangesNothing) {
  // The kernel limits names to NFT_NAME_MAXLEN - 1 bytes; render() does not check that.
  std::string longname(NFT_NAME_MAXLEN + 10, 't');
  Json before = dump(ns_);
  auto fw = Firewall::open(ns_, longname);
  ASSERT_TRUE(fw);
  auto r = fw->apply(model_a());
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(),
              StartsWith(fmt::format("apply firewall table inet {} in netns fw-host: create table inet {}: ", longname, longname)));
  EXPECT_EQ(dump(ns_), before);
}

// A failed batch is all or nothing: a table created earlier in the batch is not left.
TEST_F(FirewallKernel, BatchIsAtomicAndNamesTheFailingMessage) {
  ASSERT_TRUE(fw_->remove());
  auto sock = ns_.run([]() -> Result<MnlSocket> {
    MnlSocket s(mnl_socket_open(NETLINK_NETFILTER));
    if (!s || mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail("open");
    return s;
  });
  ASSERT_TRUE(sock);
  Batch b(1);
  TablePtr t = encode_table(NFPROTO_INET, "atomic");
  b.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, t.get(), "create table inet atomic");
  Rule r = make_rule({VerdictStmt{Verdict::kAccept}});
  b.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, encode_rule(NFPROTO_INET, "atomic", "nochain", r).get(),
        "add rule to inet atomic nochain");
  auto res = b.send(sock->get());
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().message(), "add rule to inet atomic nochain: No such file or directory");
  EXPECT_EQ(dump(ns_), Json::array());
}

// Thousands of failing messages overflow the receive buffer with errors; the first one is
// still the one reported.
TEST_F(FirewallKernel, ManyFailingMessagesStillReportTheFirst) {
  auto sock = ns_.run([]() -> Result<MnlSocket> {
    MnlSocket s(mnl_socket_open(NETLINK_NETFILTER));
    if (!s || mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail("open");
    return s;
  });
  ASSERT_TRUE(sock);
  Batch b(1);
  Rule r = make_rule({VerdictStmt{Verdict::kAccept}});
  for (int i = 0; i < 5000; ++i)
    b.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, encode_rule(NFPROTO_INET, "nosuchtable", "c", r).get(),
          fmt::format("add rule {}", i));
  auto res = b.send(sock->get());
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().message(), "add rule 0: No such file or directory");
}

TEST_F(FirewallKernel, IccFalseTurnsOnBrNetfilter) {
  // br_netfilter's switches are per netns; start from off to see apply turn them on.
  auto off = ns_.run([]() -> Result<void> {
    for (const char* f : {"/proc/sys/net/bridge/bridge-nf-call-iptables", "/proc/sys/net/bridge/bridge-nf-call-ip6tables"}) {
      FILE* fp = std::fopen(f, "w");
      if (!fp) return sys_fail(f);
      std::fputs("0", fp);
      std::fclose(fp);
    }
    return {};
  });
  if (!off) GTEST_SKIP() << "no br_netfilter in this kernel: " << off.error().message();
  apply(model_a());  // br-b has icc=false
  auto v = ns_.run([]() -> Result<std::string> {
    std::string out;
    for (const char* f : {"/proc/sys/net/bridge/bridge-nf-call-iptables", "/proc/sys/net/bridge/bridge-nf-call-ip6tables"}) {
      FILE* fp = std::fopen(f, "r");
      if (!fp) return sys_fail(f);
      out += static_cast<char>(std::fgetc(fp));
      std::fclose(fp);
    }
    return out;
  });
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "11");
}

// 3 bridges 172.18-20.0.0/16 and `ports` published ports spread over them.
FirewallModel big_model(int ports) {
  FirewallModel m;
  for (int i = 0; i < 3; ++i)
    m.bridges.push_back({fmt::format("br-{}", i), Prefix(IpAddr::v4((172u << 24) | ((18u + i) << 16)), 16)});
  for (int p = 0; p < ports; ++p)
    m.ports.push_back({p % 2 ? Proto::kUdp : Proto::kTcp, std::nullopt, uint16_t(8000 + p),
                       IpAddr::v4((172u << 24) | ((18u + p % 3) << 16) | (2 + p)), 80, fmt::format("br-{}", p % 3)});
  return m;
}

// A batch far larger than the default netlink send buffer still goes in one transaction.
TEST_F(FirewallKernel, ThousandsOfPortsFitOneBatch) {
  FirewallModel m = big_model(3000);
  auto t0 = std::chrono::steady_clock::now();
  apply(m);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("apply 3 bridges + 3000 ports: %.1f ms\n", ms);
  // Per bridge 4 + 1 (egress masquerade) + 1 (loopback masquerade); per port 4: forward
  // accept, prerouting and output DNAT, hairpin masquerade.
  EXPECT_EQ(objects(dump(ns_), "rule").size(), 3u * 4 + 3 + 3 + 4 * 3000);
}

// Not a benchmark harness: one number for the report, and the table must still be right.
TEST_F(FirewallKernel, MedianApplyTimeForThreeBridgesAndTenPorts) {
  FirewallModel m = big_model(10);
  std::vector<double> ms;
  for (int i = 0; i < 51; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    apply(m);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto table = render(m, "netconform");
  size_t rules = 0;
  for (const Chain& c : table->chains) rules += c.rules.size();
  std::printf("apply 3 bridges + 10 ports (%zu rules): median %.3f ms, min %.3f ms, max %.3f ms over %zu runs\n",
              rules, ms[ms.size() / 2], ms.front(), ms.back(), ms.size());
  RecordProperty("median_apply_ms", fmt::format("{:.3f}", ms[ms.size() / 2]));
  EXPECT_EQ(objects(dump(ns_), "rule").size(), rules);
}

}  // namespace
}  // namespace nc::nft
