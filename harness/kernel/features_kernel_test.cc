// Kernel tests: probing needs root (to create a network namespace); skip otherwise.
#include "harness/kernel/features.h"

#include "harness/kernel/br_netfilter.h"
#include "harness/kernel/judge.h"
#include "harness/kernel/link_probes.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nc::kernel {
namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

const Feature& find(const std::vector<Feature>& fs, std::string_view name) {
  static const Feature none;
  for (const auto& f : fs)
    if (f.name == name) return f;
  return none;
}

// The kinds of the links in `ns`, as `ip` sees them from outside our code.
std::map<std::string, std::string> link_kinds(const Namespaces& ns) {
  auto text = run(fmt::format("nsenter --net=/proc/{}/fd/{} ip -d -j link show", ::getpid(), ns.fd(kNsNet)));
  std::map<std::string, std::string> kinds;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return kinds;
  for (const auto& l : j) kinds[l.value("ifname", "")] = l.value("linkinfo", nlohmann::json::object()).value("info_kind", "");
  return kinds;
}

class KernelFeaturesKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
  }
};

TEST_F(KernelFeaturesKernel, ProbeReportsEveryFeatureAndLeavesTheMachineAlone) {
  std::string links_before = run("ip -br link");
  auto start = std::chrono::steady_clock::now();
  auto features = probe_kernel();
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string links_after = run("ip -br link");

  fmt::print("kernel {}, probed in {:.1f} ms\n", kernel_release(), ms);
  for (const auto& f : features) fmt::print("  {:<13} {:<3} {}\n", f.name, f.available ? "yes" : "no", f.detail);

  ASSERT_EQ(features.size(), feature_names().size());
  for (size_t i = 0; i < features.size(); ++i) {
    EXPECT_EQ(features[i].name, feature_names()[i]);
    EXPECT_FALSE(features[i].detail.empty()) << features[i].name;
  }
  for (auto name : {"netns", "veth", "bridge"}) EXPECT_TRUE(find(features, name).available) << find(features, name).detail;
  EXPECT_FALSE(links_before.empty());
  EXPECT_EQ(links_after, links_before) << "the probe changed the machine's links";
}

TEST_F(KernelFeaturesKernel, WhatIsReportedIsWhatTheKernelHas) {
  auto ns = Namespaces::create("probe-test", kNsNet);
  ASSERT_TRUE(ns) << ns.error().message();
  auto features = probe_kernel_in(*ns);
  auto kinds = link_kinds(*ns);
  ASSERT_TRUE(kinds.contains("lo")) << "could not list the namespace's links with ip";
  const std::map<std::string, std::string> link_of = {
      {"veth", "ncp-veth0"}, {"bridge", "ncp-br0"}, {"vxlan", "ncp-vx0"}, {"macvlan", "ncp-mv0"}, {"ipvlan", "ncp-iv0"}};
  for (const auto& [feature, ifname] : link_of) {
    const Feature& f = find(features, feature);
    if (f.available) EXPECT_EQ(kinds[ifname], feature) << feature << " reported available but no such link";
    else EXPECT_FALSE(kinds.contains(ifname)) << feature << " reported missing but " << ifname << " exists";
  }
  // The probe's nft table is there exactly when nftables is reported available.
  std::string tables = run(fmt::format("nsenter --net=/proc/{}/fd/{} nft list tables", ::getpid(), ns->fd(kNsNet)));
  EXPECT_EQ(tables.find("table inet nc_probe") != std::string::npos, find(features, "nftables").available) << tables;
  std::string ruleset = run(fmt::format("nsenter --net=/proc/{}/fd/{} nft list table inet nc_probe", ::getpid(), ns->fd(kNsNet)));
  EXPECT_EQ(ruleset.find("masquerade") != std::string::npos, find(features, "nat").available) << ruleset;
  // IPv6 NAT is its own table in the ip6 family, read back the same way.
  std::string ruleset6 = run(fmt::format("nsenter --net=/proc/{}/fd/{} nft list table ip6 nc_probe6", ::getpid(), ns->fd(kNsNet)));
  EXPECT_EQ(ruleset6.find("masquerade") != std::string::npos, find(features, "ipv6_nat").available) << ruleset6;
  // IPv6 is reported with the switches a runtime sets on a container's link.
  const Feature& v6 = find(features, "ipv6");
  if (v6.available) {
    EXPECT_NE(v6.detail.find("accept_dad="), std::string::npos) << v6.detail;
    EXPECT_NE(v6.detail.find("ndisc_notify="), std::string::npos) << v6.detail;
  }
}

TEST_F(KernelFeaturesKernel, IpvlanIsMissingWithTheReasonOrReallyThere) {
  auto features = probe_kernel();
  const Feature& ipvlan = find(features, "ipvlan");
  if (ipvlan.available) {
    EXPECT_EQ(ipvlan.detail, "created ipvlan ncp-iv0");  // the link was read back with kind ipvlan
  } else {
    EXPECT_TRUE(ipvlan.detail.starts_with("kernel lacks CONFIG_IPVLAN (")) << ipvlan.detail;
    EXPECT_NE(ipvlan.detail.find("Operation not supported"), std::string::npos) << ipvlan.detail;
    auto why = capability_missing_reason({"bridge", "ipvlan"}, features);
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, "kernel lacks ipvlan (" + ipvlan.detail + ")");
    EXPECT_FALSE(available_capabilities(features).contains("ipvlan"));
  }
}

// netem: a kernel without sch_netem (this machine's) is reported with the kernel option,
// and a check requiring netem gets that as its skip reason; where the kernel has it, the
// probe's veth really carries a netem qdisc with the probe's 1 ms delay.
TEST_F(KernelFeaturesKernel, NetemIsMissingWithTheKernelOptionOrReallyThere) {
  auto ns = Namespaces::create("probe-test", kNsNet);
  ASSERT_TRUE(ns) << ns.error().message();
  auto features = probe_kernel_in(*ns);
  const Feature& netem = find(features, "netem");
  ASSERT_EQ(netem.name, "netem") << "netem was not probed";
  auto rtnl = netlink::Rtnl::open(*ns);
  ASSERT_TRUE(rtnl) << rtnl.error().message();
  auto delay = rtnl->netem_delay(kProbeVeth);
  ASSERT_TRUE(delay) << delay.error().message();
  if (netem.available) {
    EXPECT_EQ(netem.detail, fmt::format("created netem qdisc (delay 1 ms) on {}", kProbeVeth));
    EXPECT_EQ(delay->value_or(-1), 1);
  } else {
    EXPECT_FALSE(delay->has_value());
    if (netem.detail.starts_with("probe failed (sch_netem is a module")) GTEST_SKIP() << netem.detail;
    EXPECT_TRUE(netem.detail.starts_with("kernel lacks CONFIG_NET_SCH_NETEM (")) << netem.detail;
    auto why = capability_missing_reason({"netns", "netem"}, features);
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, "kernel lacks netem (" + netem.detail + ")");
    EXPECT_FALSE(available_capabilities(features).contains("netem"));
  }
}

// The ipvlan probe's parent is its own veth, not the one carrying the macvlan probe (a
// parent that carries a macvlan answers an ipvlan with EBUSY).
TEST_F(KernelFeaturesKernel, IpvlanProbeHasAParentOfItsOwn) {
  auto ns = Namespaces::create("probe-test", kNsNet);
  ASSERT_TRUE(ns) << ns.error().message();
  auto features = probe_kernel_in(*ns);
  ASSERT_TRUE(find(features, "veth").available);
  auto kinds = link_kinds(*ns);
  EXPECT_EQ(kinds[kProbeIpvlanParent], "veth");
  EXPECT_EQ(kinds["ncp-veth3"], "veth");
  if (find(features, "ipvlan").available) {
    std::string iv = run(fmt::format("nsenter --net=/proc/{}/fd/{} ip -o link show ncp-iv0", ::getpid(), ns->fd(kNsNet)));
    EXPECT_NE(iv.find("ncp-iv0@ncp-veth2"), std::string::npos) << iv;
  }
}

// What a kernel with ipvlan answers for a parent that carries a macvlan: busy, which the
// probe must not read as "kernel lacks ipvlan".
TEST_F(KernelFeaturesKernel, IpvlanOnABusyParentIsAProbeErrorNotAMissingFeature) {
  auto ns = Namespaces::create("probe-test", kNsNet);
  ASSERT_TRUE(ns) << ns.error().message();
  auto rtnl = netlink::Rtnl::open(*ns);
  ASSERT_TRUE(rtnl) << rtnl.error().message();
  ASSERT_TRUE(rtnl->create_veth({.name = "p0", .peer = "p1"}));
  ASSERT_TRUE(rtnl->create_macvlan("mv0", "p0", netlink::MacvlanMode::kBridge));
  auto r = rtnl->create_ipvlan("iv0", "p0", netlink::IpvlanMode::kL2);
  if (!r && r.error().sys_errno() == EOPNOTSUPP)
    GTEST_SKIP() << "this kernel lacks ipvlan, so a busy parent cannot be seen here (" << r.error().message() << ")";
  ASSERT_FALSE(r) << "the kernel made an ipvlan on a parent that carries a macvlan";
  Feature f = judge("ipvlan", std::unexpected(r.error()));
  EXPECT_FALSE(kernel_lacks(f)) << f.detail;
  EXPECT_TRUE(f.detail.starts_with("probe failed (")) << f.detail;
}

// br_netfilter is reported available exactly when its sysctl is there in a fresh namespace.
TEST_F(KernelFeaturesKernel, BrNetfilterFollowsItsSysctl) {
  auto ns = Namespaces::create("probe-test", kNsNet);
  ASSERT_TRUE(ns) << ns.error().message();
  Feature f = judge_br_netfilter(br_netfilter_facts(*ns));
  std::string seen = run(fmt::format("nsenter --net=/proc/{}/fd/{} cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null",
                                     ::getpid(), ns->fd(kNsNet)));
  fmt::print("br_netfilter: {} {}\n", f.available ? "yes" : "no", f.detail);
  EXPECT_EQ(f.available, !seen.empty()) << f.detail;
  if (f.available) {
    while (!seen.empty() && seen.back() == '\n') seen.pop_back();
    EXPECT_EQ(f.detail, "bridge-nf-call-iptables=" + seen);
  }
}

}  // namespace
}  // namespace nc::kernel
