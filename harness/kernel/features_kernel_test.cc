// Kernel tests: probing needs root (to create a network namespace); skip otherwise.
#include "harness/kernel/features.h"

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

}  // namespace
}  // namespace nc::kernel
