#include "netimpl/dns/name_table.h"

#include <gtest/gtest.h>

namespace nc::dns {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

NameTable two_networks() {
  NameTable t;
  t.set_network("appnet", false);
  t.set_network("backnet", true);
  t.put({.name = "web", .hostname = "webhost", .short_id = "0123456789ab",
         .endpoints = {{.network = "appnet", .ip = ip("172.18.0.2"), .aliases = {"www"}}}});
  t.put({.name = "db", .hostname = "", .short_id = "ba9876543210",
         .endpoints = {{.network = "appnet", .ip = ip("172.18.0.3"), .aliases = {}},
                       {.network = "backnet", .ip = ip("172.19.0.2"), .aliases = {"store"}}}});
  t.put({.name = "batch", .hostname = "", .short_id = "",
         .endpoints = {{.network = "backnet", .ip = ip("172.19.0.3"), .aliases = {}}}});
  return t;
}

TEST(NameTable, FindsNameAliasHostnameShortIdAndNameDotNetworkCaseInsensitively) {
  auto t = two_networks();
  for (auto q : {"web", "WeB", "www", "webhost", "0123456789ab", "web.appnet", "WEB.AppNet"}) {
    auto r = t.lookup("db", q, AF_INET);
    EXPECT_TRUE(r.found) << q;
    EXPECT_EQ(r.addrs, std::vector<IpAddr>{ip("172.18.0.2")}) << q;
  }
  EXPECT_FALSE(t.lookup("db", "web.backnet", AF_INET).found);
  EXPECT_FALSE(t.lookup("db", "webx", AF_INET).found);
}

TEST(NameTable, ScopesToTheAskersNetworks) {
  auto t = two_networks();
  EXPECT_FALSE(t.lookup("web", "batch", AF_INET).found);
  EXPECT_TRUE(t.lookup("db", "batch", AF_INET).found);
  // An alias counts only on its own network.
  EXPECT_FALSE(t.lookup("web", "store", AF_INET).found);
  auto both = t.lookup("batch", "db", AF_INET);
  EXPECT_EQ(both.addrs, std::vector<IpAddr>{ip("172.19.0.2")});
  EXPECT_EQ(t.lookup("db", "db", AF_INET).addrs.size(), 2u);
}

TEST(NameTable, NoDataWhenTheFamilyIsMissing) {
  auto t = two_networks();
  auto r = t.lookup("db", "web", AF_INET6);
  EXPECT_TRUE(r.found);
  EXPECT_TRUE(r.addrs.empty());
}

TEST(NameTable, ReverseGivesNameDotNetworkOnlyWhenVisible) {
  auto t = two_networks();
  EXPECT_EQ(t.reverse("db", ip("172.18.0.2")), "web.appnet");
  EXPECT_EQ(t.reverse("web", ip("172.19.0.3")), std::nullopt);
}

TEST(NameTable, ForwardingNeedsANonInternalNetworkAndUnregisteredNetworksDoNotServe) {
  auto t = two_networks();
  EXPECT_TRUE(t.may_forward("db"));
  EXPECT_FALSE(t.may_forward("batch"));
  t.put({.name = "solo", .hostname = "", .short_id = "", .endpoints = {{.network = "bridge", .ip = ip("172.17.0.2"), .aliases = {}}}});
  EXPECT_FALSE(t.serves("solo"));
  EXPECT_TRUE(t.serves("batch"));
}

TEST(NameTable, RemovalIsVisibleToTheNextLookup) {
  auto t = two_networks();
  t.remove("web");
  EXPECT_FALSE(t.lookup("db", "web", AF_INET).found);
  t.remove_network("backnet");
  EXPECT_FALSE(t.serves("batch"));
}

}  // namespace
}  // namespace nc::dns
