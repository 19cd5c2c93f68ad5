#include "harness/engine/matcher.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

using checks::ActionKind;
using checks::Outcome;
using nlohmann::json;

ResolvedExpect want(const checks::Expect& e) { return {.expect = &e}; }

TEST(Matcher, OutcomeMustBeOneOfTheAccepted) {
  checks::Expect e{.outcomes = {Outcome::kTimeout, Outcome::kUnreachable}};
  EXPECT_TRUE(match(ActionKind::kConnect, want(e), json{{"outcome", "timeout"}}, 2000).ok);
  auto v = match(ActionKind::kConnect, want(e), json{{"outcome", "ok"}}, 1);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.expected, "timeout or unreachable");
  EXPECT_EQ(v.message, "got ok");
}

TEST(Matcher, ProbeErrorsAreShown) {
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto v = match(ActionKind::kConnect, want(e), json{{"outcome", "refused"}, {"error", "Connection refused"}}, 1);
  EXPECT_EQ(v.message, "got refused (Connection refused)");
}

TEST(Matcher, PeerComparesTheClientAddressOnly) {
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto w = want(e);
  w.peer = "203.0.113.10";
  json obs{{"outcome", "ok"}, {"server", {{"peer", "203.0.113.10:41234"}}}};
  EXPECT_TRUE(match(ActionKind::kConnect, w, obs, 1).ok);
  obs["server"]["peer"] = "172.18.0.3:41234";
  auto v = match(ActionKind::kConnect, w, obs, 1);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message, "the server saw client 172.18.0.3");
}

TEST(Matcher, ReadContains) {
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto w = want(e);
  w.contains = {"nameserver 127.0.0.11"};
  w.not_contains = {"8.8.8.8"};
  EXPECT_TRUE(match(ActionKind::kRead, w, json{{"outcome", "ok"}, {"content", "nameserver 127.0.0.11\n"}}, 1).ok);
  auto v = match(ActionKind::kRead, w, json{{"outcome", "ok"}, {"content", "nameserver 8.8.8.8\n"}}, 1);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message, "\"nameserver 127.0.0.11\" not found; \"8.8.8.8\" found");
}

TEST(Matcher, ListenersMatchTcpSockets) {
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto w = want(e);
  w.listening = {"127.0.0.1:80"};
  w.not_listening = {"0.0.0.0:80"};
  json obs{{"outcome", "ok"}, {"sockets", json::array({{{"proto", "tcp"}, {"local", "127.0.0.1:80"}, {"state", "listen"}}})}};
  EXPECT_TRUE(match(ActionKind::kListeners, w, obs, 1).ok);
  obs["sockets"][0]["local"] = "0.0.0.0:80";
  EXPECT_FALSE(match(ActionKind::kListeners, w, obs, 1).ok);
}

json ifaces(const char* addr, const char* via) {
  json routes = json::array();
  if (via) routes.push_back({{"dst", "0.0.0.0/0"}, {"via", via}, {"dev", "eth0"}});
  return {{"outcome", "ok"},
          {"interfaces", json::array({{{"name", "lo"}, {"addresses", {"127.0.0.1/8"}}},
                                      {{"name", "eth0"}, {"addresses", {addr}}}})},
          {"routes", routes}};
}

TEST(Matcher, InterfacesAddressesAndDefaultRoute) {
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto w = want(e);
  w.address_in = "172.17.0.0/16";
  w.default_via = "172.17.0.1";
  EXPECT_TRUE(match(ActionKind::kInterfaces, w, ifaces("172.17.0.2/16", "172.17.0.1"), 1).ok);
  auto v = match(ActionKind::kInterfaces, w, ifaces("172.18.0.2/16", nullptr), 1);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message, "eth0 has [172.18.0.2/16]; no default route");
}

// An IPv6 gateway asks for the IPv6 default route, which the IPv4 one does not answer.
TEST(Matcher, Ipv6DefaultRoute) {
  json dual = ifaces("2001:db8:6::2/64", "172.18.0.1");
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto w = want(e);
  w.default_via = "2001:db8:6::1";
  auto v = match(ActionKind::kInterfaces, w, dual, 1);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message, "no default route");
  dual["routes"].push_back({{"dst", "::/0"}, {"via", "2001:db8:6::1"}, {"dev", "eth0"}});
  EXPECT_TRUE(match(ActionKind::kInterfaces, w, dual, 1).ok);
  w.default_via = "2001:db8:6::fe";
  EXPECT_EQ(match(ActionKind::kInterfaces, w, dual, 1).message, "default route via 2001:db8:6::1");
}

TEST(Matcher, NoDefaultRouteAndNoIface) {
  checks::Expect e{.outcomes = {Outcome::kOk}, .no_iface = "eth1", .no_default_route = true};
  EXPECT_TRUE(match(ActionKind::kInterfaces, want(e), ifaces("172.18.0.2/16", nullptr), 1).ok);
  auto v = match(ActionKind::kInterfaces, want(e), ifaces("172.18.0.2/16", "172.18.0.1"), 1);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message, "default route via 172.18.0.1");
}

TEST(Matcher, DirectDefaultRoute) {
  // ipvlan L3: "default dev eth0", no gateway; the probe prints no `via` for it.
  json direct = ifaces("192.0.2.11/24", nullptr);
  direct["routes"].push_back({{"dst", "0.0.0.0/0"}, {"dev", "eth0"}});
  checks::Expect e{.outcomes = {Outcome::kOk}};
  auto w = want(e);
  w.default_via = "direct";
  EXPECT_TRUE(match(ActionKind::kInterfaces, w, direct, 1).ok);
  EXPECT_EQ(match(ActionKind::kInterfaces, w, ifaces("192.0.2.11/24", "192.0.2.1"), 1).message,
            "default route via 192.0.2.1");
  EXPECT_EQ(match(ActionKind::kInterfaces, w, ifaces("192.0.2.11/24", nullptr), 1).message, "no default route");
  checks::Expect none{.outcomes = {Outcome::kOk}, .no_default_route = true};
  EXPECT_EQ(match(ActionKind::kInterfaces, want(none), direct, 1).message, "default route via direct");
}

TEST(Matcher, RuntimeActionsSucceedOrFailWithText) {
  checks::Expect ok_expect;
  EXPECT_TRUE(match(ActionKind::kNetworkCreate, want(ok_expect), json{{"ok", true}}, 1).ok);
  EXPECT_EQ(match(ActionKind::kNetworkCreate, want(ok_expect), json{{"ok", false}, {"error", "boom"}}, 1).message,
            "it failed: boom");
  checks::Expect err{.error = "overlaps"};
  EXPECT_TRUE(match(ActionKind::kNetworkCreate, want(err), json{{"ok", false}, {"error", "subnet overlaps network x"}}, 1).ok);
  EXPECT_EQ(match(ActionKind::kNetworkCreate, want(err), json{{"ok", true}}, 1).message, "it succeeded");
}

TEST(Matcher, WithinBoundsTheDuration) {
  checks::Expect e{.outcomes = {Outcome::kOk}, .within = std::chrono::milliseconds(100)};
  EXPECT_TRUE(match(ActionKind::kPing, want(e), json{{"outcome", "ok"}}, 50).ok);
  EXPECT_EQ(match(ActionKind::kPing, want(e), json{{"outcome", "ok"}}, 150).message, "took 150 ms");
}

TEST(Matcher, HostPart) {
  EXPECT_EQ(host_part("172.18.0.2:8080"), "172.18.0.2");
  EXPECT_EQ(host_part("[fd00::2]:80"), "fd00::2");
  EXPECT_EQ(host_part("fd00::2"), "fd00::2");
}

}  // namespace
}  // namespace nc::engine
