#include "harness/diagnose/netns_find.h"

#include <gtest/gtest.h>

namespace nc::diagnose {
namespace {

TEST(FirstNameserver, TheFirstNameserverLineCounts) {
  EXPECT_EQ(first_nameserver("# generated\nsearch example.test\nnameserver 127.0.0.11\nnameserver 192.0.2.53\n"), "127.0.0.11");
  EXPECT_EQ(first_nameserver("options ndots:0\n  nameserver\t10.89.0.1"), "10.89.0.1");
  EXPECT_EQ(first_nameserver("search a\n"), "");
  EXPECT_EQ(first_nameserver(""), "");
}

TEST(NetnsByLink, ANamespaceNoProcessIsInIsAnError) {
  auto r = netns_by_link("nothing", "net:[1]");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("find the network namespace of nothing (net:[1])"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace nc::diagnose
