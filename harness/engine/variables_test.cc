// Variables::lookup answers each form from the runtime's inspect and the lab's addresses,
// the IPv6 twins from the IPv6 fields only.
#include "harness/engine/variables.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

IpAddr ip(std::string_view s) { return *IpAddr::parse(s); }
Prefix prefix(std::string_view s) { return *Prefix::parse(s); }

// A runtime that knows one container, web, on a dual-stack network and an IPv4-only one,
// and those two networks.
class InspectOnlyRuntime final : public api::Runtime {
 public:
  std::string name() const override { return "inspect-only"; }
  std::string version() const override { return "0"; }
  std::set<std::string> capabilities() const override { return {}; }
  Result<api::NetworkInfo> create_network(const api::NetworkSpec&) override { return fail("unused"); }
  Result<void> remove_network(std::string_view) override { return fail("unused"); }
  Result<api::NetworkInfo> inspect_network(std::string_view name) override {
    if (name == "dual")
      return api::NetworkInfo{.name = "dual", .subnet = prefix("172.30.0.0/24"), .gateway = ip("172.30.0.1"),
                              .subnet6 = prefix("2001:db8:1::/64"), .gateway6 = ip("2001:db8:1::1")};
    if (name == "v4") return api::NetworkInfo{.name = "v4", .subnet = prefix("172.31.0.0/24"), .gateway = ip("172.31.0.1")};
    return fail("no such network");
  }
  Result<api::ContainerInfo> create_container(const api::ContainerSpec&) override { return fail("unused"); }
  Result<void> remove_container(std::string_view) override { return fail("unused"); }
  Result<void> connect(std::string_view, const api::Attachment&) override { return fail("unused"); }
  Result<void> disconnect(std::string_view, std::string_view) override { return fail("unused"); }
  Result<api::ContainerInfo> inspect(std::string_view name) override {
    if (name != "web") return fail("no such container");
    api::ContainerInfo c{.name = "web"};
    c.endpoints.push_back({.network = "dual", .ip = ip("172.30.0.2"), .prefix_len = 24, .gateway = ip("172.30.0.1"),
                           .ip6 = ip("2001:db8:1::2"), .prefix_len6 = 64, .gateway6 = ip("2001:db8:1::1")});
    c.endpoints.push_back({.network = "v4", .ip = ip("172.31.0.2"), .prefix_len = 24, .gateway = ip("172.31.0.1")});
    return c;
  }
  Result<api::ExecResult> exec_probe(std::string_view, const std::vector<std::string>&, std::chrono::milliseconds) override {
    return fail("unused");
  }
  Result<void> reset() override { return {}; }
};

class Lookup : public ::testing::Test {
 protected:
  InspectOnlyRuntime runtime_;
  LabPlaces lab_{.host_ip = "203.0.113.10", .external_ip = "203.0.113.100", .host_ip6 = "2001:db8:113::10",
                 .external_ip6 = "2001:db8:113::100"};
  Variables vars_{runtime_, lab_};
};

TEST_F(Lookup, IPv4FormsAnswerIPv4) {
  EXPECT_EQ(vars_.lookup("web.ip"), "172.30.0.2");
  EXPECT_EQ(vars_.lookup("web.ip.v4"), "172.31.0.2");
  EXPECT_EQ(vars_.lookup("web.gateway.dual"), "172.30.0.1");
  EXPECT_EQ(vars_.lookup("net.dual.subnet"), "172.30.0.0/24");
  EXPECT_EQ(vars_.lookup("net.dual.gateway"), "172.30.0.1");
  EXPECT_EQ(vars_.lookup("host.ip"), "203.0.113.10");
  EXPECT_EQ(vars_.lookup("external.ip"), "203.0.113.100");
}

TEST_F(Lookup, IPv6TwinsAnswerIPv6) {
  EXPECT_EQ(vars_.lookup("web.ip6"), "2001:db8:1::2");  // the first endpoint's
  EXPECT_EQ(vars_.lookup("web.ip6.dual"), "2001:db8:1::2");
  EXPECT_EQ(vars_.lookup("web.gateway6.dual"), "2001:db8:1::1");
  EXPECT_EQ(vars_.lookup("net.dual.subnet6"), "2001:db8:1::/64");
  EXPECT_EQ(vars_.lookup("net.dual.gateway6"), "2001:db8:1::1");
  EXPECT_EQ(vars_.lookup("host.ip6"), "2001:db8:113::10");
  EXPECT_EQ(vars_.lookup("external.ip6"), "2001:db8:113::100");
}

TEST_F(Lookup, IPv6TwinsOfWhatHasNoIPv6AreUnanswered) {
  EXPECT_EQ(vars_.lookup("web.ip6.v4"), std::nullopt);
  EXPECT_EQ(vars_.lookup("web.gateway6.v4"), std::nullopt);
  EXPECT_EQ(vars_.lookup("net.v4.subnet6"), std::nullopt);
  EXPECT_EQ(vars_.lookup("net.v4.gateway6"), std::nullopt);
  EXPECT_EQ(vars_.lookup("web.ip6.nonet"), std::nullopt);
}

TEST_F(Lookup, AnIPv4OnlyLabHasNoIPv6Addresses) {
  lab_.host_ip6.clear();
  lab_.external_ip6.clear();
  EXPECT_EQ(vars_.lookup("host.ip6"), std::nullopt);
  EXPECT_EQ(vars_.lookup("external.ip6"), std::nullopt);
  EXPECT_EQ(vars_.lookup("host.ip"), "203.0.113.10");
  auto expanded = vars_.expand("ping ${host.ip6}");
  ASSERT_FALSE(expanded);
  EXPECT_EQ(expanded.error().message(), "cannot resolve ${host.ip6}");
}

}  // namespace
}  // namespace nc::engine
