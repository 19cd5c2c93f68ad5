// The execution configuration a plugin of a list gets (SPEC.md 1.0 Section 3).
#include "harness/runtimes/cni/config.h"

#include <gtest/gtest.h>

namespace nc::cni {
namespace {

using nlohmann::json;

BridgeNetwork net() {
  return {.name = "appnet", .bridge = "cni-appnet", .subnet = *Prefix::parse("172.18.0.0/16"),
          .gateway = *IpAddr::parse("172.18.0.1"), .internal = false, .mtu = 0, .ipam_dir = "/run/x/ipam"};
}

TEST(CniConfig, BridgeListCarriesTheSubnetGatewayAndIpamState) {
  auto l = bridge_conflist(net());
  EXPECT_EQ(l["cniVersion"], "1.0.0");
  EXPECT_EQ(l["name"], "appnet");
  auto& b = l["plugins"][0];
  EXPECT_EQ(b["type"], "bridge");
  EXPECT_EQ(b["ipam"]["ranges"][0][0]["subnet"], "172.18.0.0/16");
  EXPECT_EQ(b["ipam"]["ranges"][0][0]["gateway"], "172.18.0.1");
  EXPECT_EQ(b["ipam"]["dataDir"], "/run/x/ipam");
  EXPECT_EQ(b["ipam"]["routes"][0]["dst"], "0.0.0.0/0");
  EXPECT_EQ(b["ipMasq"], true);
  auto internal = net();
  internal.internal = true;
  auto li = bridge_conflist(internal);
  EXPECT_FALSE(li["plugins"][0]["ipam"].contains("routes"));  // no default route
  EXPECT_EQ(li["plugins"][0]["ipMasq"], false);
}

TEST(CniConfig, ExecConfigInsertsNameVersionRuntimeConfigAndPrevResult) {
  auto l = bridge_conflist(net());
  json caps = {{"portMappings", json::array({{{"hostPort", 8080}, {"containerPort", 80}, {"protocol", "tcp"}}})},
               {"mac", "00:11:22:33:44:55"}};
  json prev = {{"cniVersion", "1.0.0"}, {"ips", json::array()}};
  auto first = exec_config(l, 0, caps, nullptr);
  EXPECT_EQ(first["name"], "appnet");
  EXPECT_EQ(first["cniVersion"], "1.0.0");
  EXPECT_FALSE(first.contains("prevResult"));
  EXPECT_FALSE(first.contains("runtimeConfig"));  // bridge declares no capability
  auto pm = exec_config(l, 1, caps, &prev);
  EXPECT_EQ(pm["type"], "portmap");
  EXPECT_FALSE(pm.contains("capabilities"));  // removed by the runtime
  EXPECT_EQ(pm["runtimeConfig"], json({{"portMappings", caps["portMappings"]}}));  // only what it declares
  EXPECT_EQ(pm["prevResult"], prev);
  EXPECT_EQ(pm["snat"], true);  // other fields pass through unaltered
  auto none = exec_config(l, 1, json::object(), &prev);
  EXPECT_FALSE(none.contains("runtimeConfig"));
}

}  // namespace
}  // namespace nc::cni
