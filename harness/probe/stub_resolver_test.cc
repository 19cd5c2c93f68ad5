#include "harness/probe/stub_resolver.h"

#include <gtest/gtest.h>

namespace nc::probe {
namespace {

TEST(StubResolver, ReadsNameserversSearchAndNdots) {
  auto cfg = parse_stub_config("# x\nnameserver 127.0.0.11\nnameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\n"
                               "search a.test b.test\noptions edns0 ndots:0\n");
  EXPECT_EQ(cfg.nameservers, (std::vector<std::string>{"127.0.0.11", "1.1.1.1", "2.2.2.2"}));
  EXPECT_EQ(cfg.search, (std::vector<std::string>{"a.test", "b.test"}));
  EXPECT_EQ(cfg.ndots, 0);
}

TEST(StubResolver, CandidatesFollowNdotsLikeGlibc) {
  StubConfig cfg{.nameservers = {}, .search = {"example.test"}, .ndots = 1};
  EXPECT_EQ(candidate_names("www", cfg), (std::vector<std::string>{"www.example.test", "www"}));
  EXPECT_EQ(candidate_names("a.b", cfg), (std::vector<std::string>{"a.b", "a.b.example.test"}));
  EXPECT_EQ(candidate_names("abs.", cfg), (std::vector<std::string>{"abs."}));
  cfg.ndots = 0;
  EXPECT_EQ(candidate_names("api", cfg), (std::vector<std::string>{"api", "api.example.test"}));
}

TEST(StubResolver, PtrNames) {
  EXPECT_EQ(ptr_name("172.18.0.2"), "2.0.18.172.in-addr.arpa");
  EXPECT_EQ(ptr_name("2001:db8::1").substr(0, 8), "1.0.0.0.");
  EXPECT_EQ(ptr_name("web"), "web");
}

}  // namespace
}  // namespace nc::probe
