// Golden rule sets for the main publishing cases: testdata/<case>.nft is what render()
// writes for the model below, in `nft list table` syntax. A change to the rules shows up
// as a diff of these files in review. Regenerate with NC_UPDATE_GOLDEN=1.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "netimpl/nft/render.h"

namespace nc::nft {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
Prefix net(const char* s) { return *Prefix::parse(s); }

void golden(const std::string& name, const FirewallModel& m) {
  auto t = render(m, "netconform");
  ASSERT_TRUE(t) << t.error().message();
  std::string path = std::string(NC_NFT_TESTDATA) + "/" + name + ".nft";
  std::string text = to_string(*t);
  if (std::getenv("NC_UPDATE_GOLDEN")) std::ofstream(path) << text;
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(text, want.str()) << "golden file " << path;
}

const BridgeNet kDocker0{"docker0", net("172.17.0.0/16")};

TEST(Golden, NothingPublished) { golden("bridge-only", {.bridges = {kDocker0}}); }

TEST(Golden, OnePortOnEveryAddress) {
  golden("publish-8080", {.bridges = {kDocker0}, .ports = {{Proto::kTcp, std::nullopt, 8080, ip("172.17.0.2"), 80, "docker0"}}});
}

TEST(Golden, LoopbackOnlyPort) {
  golden("publish-loopback",
         {.bridges = {kDocker0}, .ports = {{Proto::kTcp, ip("127.0.0.1"), 5432, ip("172.17.0.2"), 5432, "docker0"}}});
}

TEST(Golden, UdpRangeAndAUserDefinedBridgeWithIccOff) {
  golden("publish-udp-range-icc",
         {.bridges = {kDocker0, {"br-app", net("172.18.0.0/16"), false, false}},
          .ports = {{Proto::kUdp, std::nullopt, 5353, ip("172.18.0.2"), 53, "br-app"},
                    {Proto::kTcp, std::nullopt, 8000, ip("172.18.0.3"), 80, "br-app"},
                    {Proto::kTcp, std::nullopt, 8001, ip("172.18.0.3"), 81, "br-app"}}});
}

TEST(Golden, InternalNetworkPublishesNothing) {
  golden("publish-internal", {.bridges = {kDocker0, {"br-sealed", net("172.19.0.0/16"), true}},
                              .ports = {{Proto::kTcp, std::nullopt, 5432, ip("172.19.0.2"), 5432, "br-sealed"}}});
}

// Dual stack: the IPv6 subnet is masqueraded too (NAT66); isolation and icc match links,
// not addresses, so the same rules hold IPv6 in; an internal one gets no NAT66 either.
TEST(Golden, DualStackBridges) {
  golden("dual-stack", {.bridges = {kDocker0,
                                    {"br-six", net("172.18.0.0/16"), false, true, net("2001:db8:1::/64")},
                                    {"br-sealed6", net("172.19.0.0/16"), true, true, net("2001:db8:2::/64")}}});
}

// A port published on both families of a dual-stack container: [::]:8080 is DNATed to
// its IPv6 address (not from ::1: IPv6 has no route_localnet), [2001:db8::10]:8443 only
// on that address.
TEST(Golden, PublishDualStack) {
  golden("publish-dual-stack",
         {.bridges = {kDocker0, {"br-six", net("172.18.0.0/16"), false, true, net("2001:db8:1::/64")}},
          .ports = {{Proto::kTcp, std::nullopt, 8080, ip("172.18.0.2"), 80, "br-six"},
                    {Proto::kTcp, std::nullopt, 8080, ip("2001:db8:1::2"), 80, "br-six"},
                    {Proto::kTcp, ip("2001:db8::10"), 8443, ip("2001:db8:1::2"), 443, "br-six"}}});
}

}  // namespace
}  // namespace nc::nft
