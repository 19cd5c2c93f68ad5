// link_delay at its seam: which links get the netem delay, what an error names, what the
// removal deletes. The real qdisc is tested in nc_netlink_kernel_test and
// nc_cli_story_steps_kernel_test.
#include "harness/engine/link_delay.h"

#include <map>

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

struct FakeQdiscs : Qdiscs {
  std::vector<std::string> links{"lo", "eth0", "eth1"};
  std::map<std::string, int> delay;  // link -> ms
  std::string refuse;                // set_netem_delay fails on this link
  Result<std::vector<std::string>> link_names() override { return links; }
  Result<void> set_netem_delay(std::string_view link, int ms) override {
    if (link == refuse) return fail("No such file or directory (Specified qdisc kind is unknown)", ENOENT);
    delay[std::string(link)] = ms;
    return {};
  }
  Result<void> del_root_qdisc(std::string_view link) override {
    delay.erase(std::string(link));
    return {};
  }
};

TEST(LinkDelay, EveryLinkButLoopbackIsDelayed) {
  FakeQdiscs q;
  auto done = apply_delay(q, 300);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(*done, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(q.delay, (std::map<std::string, int>{{"eth0", 300}, {"eth1", 300}}));
}

TEST(LinkDelay, AKernelWithoutNetemIsAnErrorNamingTheLinkAndKeepingItsErrno) {
  FakeQdiscs q;
  q.refuse = "eth0";
  auto done = apply_delay(q, 300);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message(), "delay eth0 by 300 ms: No such file or directory (Specified qdisc kind is unknown)");
  EXPECT_EQ(done.error().sys_errno(), ENOENT);
}

TEST(LinkDelay, OnlyLoopbackIsAnError) {
  FakeQdiscs q;
  q.links = {"lo"};
  auto done = apply_delay(q, 5);
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().message().find("no link but lo"), std::string::npos);
}

TEST(LinkDelay, RemovalDeletesWhatWasDelayedAndSkipsLinksThatWent) {
  FakeQdiscs q;
  auto done = apply_delay(q, 300);
  ASSERT_TRUE(done);
  q.links = {"lo", "eth0"};  // eth1 went (a network_disconnect)
  ASSERT_TRUE(clear_delay(q, *done));
  EXPECT_TRUE(q.delay.count("eth0") == 0);
  EXPECT_EQ(q.delay.count("eth1"), 1u);  // gone with its link in reality; not asked
}

}  // namespace
}  // namespace nc::engine
