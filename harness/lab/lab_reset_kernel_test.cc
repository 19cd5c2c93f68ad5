// Kernel tests of lab_reset.h: what one check leaves in a kept lab host is flushed or
// reported. Need root; skip with the reason otherwise.
#include "harness/lab/lab_reset.h"

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "netimpl/process/process.h"

namespace nc::lab {
namespace {

using namespace std::chrono_literals;

class LabResetKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create namespaces";
    auto h = LabHost::create();
    ASSERT_TRUE(h) << h.error().message();
    host_.emplace(std::move(*h));
    auto s = lab_state(*host_);
    ASSERT_TRUE(s) << s.error().message();
    initial_ = *s;
  }

  // `ip ARGS` in a namespace, as an observer from outside; its stdout.
  std::string ip(const Namespaces& ns, std::vector<std::string> args) {
    args.insert(args.begin(), "ip");
    auto r = run({.argv = args, .ns = &ns}, 5s);
    EXPECT_TRUE(r && r->exit_code == 0) << fmt::format("{}", fmt::join(args, " "));
    return r ? r->out : "";
  }

  std::optional<LabHost> host_;
  std::vector<std::string> initial_;
};

// The stale-ARP case: an entry the external client learned for a container that is gone.
TEST_F(LabResetKernelTest, LearnedNeighboursGoAndPermanentOnesStay) {
  ip(host_->external(), {"neigh", "replace", "203.0.113.201", "lladdr", "02:42:cb:00:71:c9", "dev", "eth0", "nud", "reachable"});
  ip(host_->host(), {"neigh", "replace", "203.0.113.202", "lladdr", "02:42:cb:00:71:ca", "dev", "eth0", "nud", "stale"});
  ip(host_->external(), {"neigh", "replace", "203.0.113.203", "lladdr", "02:42:cb:00:71:cb", "dev", "eth0", "nud", "permanent"});
  auto r = reset_lab_host(*host_, initial_);
  ASSERT_TRUE(r) << r.error().message();
  auto ext = ip(host_->external(), {"neigh", "show", "dev", "eth0"});
  EXPECT_EQ(ext.find("203.0.113.201"), std::string::npos) << ext;
  EXPECT_NE(ext.find("203.0.113.203"), std::string::npos) << ext;
  EXPECT_EQ(ip(host_->host(), {"neigh", "show", "dev", "eth0"}).find("203.0.113.202"), std::string::npos);
}

TEST_F(LabResetKernelTest, ARouteOrAddressAddedToTheLabIsReported) {
  ip(host_->external(), {"route", "add", "192.0.2.0/24", "via", "203.0.113.10"});
  ip(host_->host(), {"addr", "add", "203.0.113.11/24", "dev", "eth0"});
  auto r = reset_lab_host(*host_, initial_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("+ external: route 192.0.2.0/24 via 203.0.113.10 dev eth0"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("+ host: addr eth0 203.0.113.11/24"), std::string::npos) << r.error().message();
}

TEST_F(LabResetKernelTest, AnUntouchedLabPasses) {
  auto r = reset_lab_host(*host_, initial_);
  EXPECT_TRUE(r) << r.error().message();
}

}  // namespace
}  // namespace nc::lab
