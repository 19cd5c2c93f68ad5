// Kernel tests of MultiHostRuntime's overlay control plane: two host namespaces joined by
// a veth "underlay0" pair, one overlay across them. What the kernel holds is read from
// outside with `bridge fdb` / `ip neigh` (nsenter on our held fds). Containers run no
// process (start_processes = false): only their networking is under test. Needs root.
#include "netimpl/runtime/multi_host_runtime.h"

#include <unistd.h>

#include <array>
#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nc::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string run_in(const Namespaces& ns, const std::string& cmd) {
  std::string full = fmt::format("nsenter --net=/proc/{}/fd/{} {} 2>&1", ::getpid(), ns.fd(kNsNet), cmd);
  std::string out;
  if (FILE* p = ::popen(full.c_str(), "r")) {
    std::array<char, 512> buf;
    while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    ::pclose(p);
  }
  return out;
}

#define OK(expr)                                                  \
  do {                                                            \
    auto ok_r_ = (expr);                                          \
    ASSERT_TRUE(ok_r_) << #expr << ": " << ok_r_.error().message(); \
  } while (0)

class MultiHostKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    for (auto* name : {"host", "host2"}) {
      auto ns = Namespaces::create(name, kNsNet);
      ASSERT_TRUE(ns) << ns.error().message();
      hosts_.push_back(std::move(*ns));
    }
    auto rt1 = netlink::Rtnl::open(hosts_[0]);
    auto rt2 = netlink::Rtnl::open(hosts_[1]);
    ASSERT_TRUE(rt1 && rt2);
    OK(rt1->create_veth({.name = "underlay0", .peer = "underlay0", .peer_ns = &hosts_[1]}));
    OK(rt1->add_address("underlay0", *Prefix::parse("198.51.100.1/24")));
    OK(rt2->add_address("underlay0", *Prefix::parse("198.51.100.2/24")));
    OK(rt1->set_up("underlay0"));
    OK(rt2->set_up("underlay0"));
    auto m = MultiHostRuntime::create({{"host", &hosts_[0]}, {"host2", &hosts_[1]}}, {.start_processes = false});
    ASSERT_TRUE(m) << m.error().message();
    rt_ = std::move(*m);
    OK(rt_->create_network({.name = "ov", .driver = "overlay", .subnet = *Prefix::parse("10.10.0.0/24")}));
  }
  void TearDown() override { rt_.reset(); }

  // host2's entries that send to host's VTEP (learning is off: only ours are there).
  std::string fdb2() { return run_in(hosts_[1], "bridge fdb show dev vx-ov"); }
  std::string neigh2() { return run_in(hosts_[1], "ip neigh show dev vx-ov"); }
  static api::ContainerSpec on_ov(std::string name, std::string host) {
    api::ContainerSpec spec{.name = std::move(name), .networks = {{.network = "ov"}}};
    spec.host = std::move(host);
    return spec;
  }

  std::vector<Namespaces> hosts_;
  std::unique_ptr<MultiHostRuntime> rt_;
};

// The unicast entries towards host's VTEP (the flood entry's MAC is all zeros).
int unicast_to_host1(const std::string& fdb) {
  int n = 0;
  for (size_t at = 0; (at = fdb.find("dst 198.51.100.1 ", at)) != std::string::npos; ++at) {
    size_t line = fdb.rfind('\n', at);
    line = line == std::string::npos ? 0 : line + 1;
    if (fdb.compare(line, 17, "00:00:00:00:00:00") != 0) ++n;
  }
  return n;
}

TEST_F(MultiHostKernel, RemovedEndpointLeavesNoEntryOnTheOtherHost) {
  auto a = rt_->create_container(on_ov("a", "host"));
  ASSERT_TRUE(a) << a.error().message();
  OK(rt_->create_container(on_ov("b", "host2")));
  const std::string a_ip = fmt::format("{} ", a->endpoints.at(0).ip);
  EXPECT_EQ(unicast_to_host1(fdb2()), 1) << fdb2();
  EXPECT_THAT(neigh2(), HasSubstr(a_ip));
  EXPECT_THAT(fdb2(), HasSubstr("00:00:00:00:00:00 dst 198.51.100.1 self permanent"));

  OK(rt_->remove_container("a"));
  EXPECT_EQ(unicast_to_host1(fdb2()), 0) << fdb2();
  EXPECT_THAT(neigh2(), Not(HasSubstr(a_ip)));
  // The host itself is still a member: its flood entry stays.
  EXPECT_THAT(fdb2(), HasSubstr("00:00:00:00:00:00 dst 198.51.100.1 self permanent"));
}

TEST_F(MultiHostKernel, DisconnectedEndpointLeavesNoEntryOnTheOtherHost) {
  // Starts on another overlay: only overlays are under test.
  OK(rt_->create_network({.name = "ov2", .driver = "overlay", .subnet = *Prefix::parse("10.20.0.0/24")}));
  auto spec = on_ov("a", "host");
  spec.networks = {{.network = "ov2"}};
  OK(rt_->create_container(spec));
  OK(rt_->connect("a", {.network = "ov"}));
  EXPECT_EQ(unicast_to_host1(fdb2()), 1) << fdb2();
  OK(rt_->disconnect("a", "ov"));
  EXPECT_EQ(unicast_to_host1(fdb2()), 0) << fdb2();
  EXPECT_THAT(neigh2(), Not(HasSubstr("10.10.0.")));
}

}  // namespace
}  // namespace nc::runtime
