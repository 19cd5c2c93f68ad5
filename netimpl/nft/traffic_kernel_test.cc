// Real traffic through the firewall: a host namespace with bridges, container namespaces
// on them, and an "outside" namespace on the host's LAN (testing/lab.h). Each test first
// shows the path works without the firewall where that matters, so a timeout afterwards is
// the firewall's doing. Needs root; skips otherwise.
#include <unistd.h>

#include <gtest/gtest.h>

#include "netimpl/nft/firewall.h"
#include "netimpl/nft/testing/lab.h"
#include "netimpl/ns/sockets.h"

namespace nc::nft {
namespace {

using namespace std::chrono_literals;
using testing::kHostLan;
using testing::kOutside;
using sockets::Outcome;

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
Prefix net(const char* s) { return *Prefix::parse(s); }

// A dropped SYN is retransmitted after 1 s; a reachable peer answers within milliseconds.
constexpr auto kConnectTimeout = 1500ms;

class FirewallTrafficKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto lab = testing::Lab::create();
    ASSERT_TRUE(lab) << lab.error().message();
    lab_ = std::move(*lab);
    ASSERT_TRUE(lab_->add_bridge("br-a", net("172.18.0.1/16")));
    ASSERT_TRUE(lab_->add_bridge("br-b", net("172.19.0.1/16")));
    c1_ = add("c1", "br-a", "172.18.0.2/16");
    c3_ = add("c3", "br-a", "172.18.0.3/16");
    c2_ = add("c2", "br-b", "172.19.0.2/16");
    auto fw = Firewall::open(lab_->host);
    ASSERT_TRUE(fw) << fw.error().message();
    fw_.emplace(std::move(*fw));
  }

  const Namespaces* add(const char* name, const char* bridge, const char* addr) {
    auto ns = lab_->add_container(name, bridge, net(addr));
    EXPECT_TRUE(ns) << ns.error().message();
    return ns ? *ns : nullptr;
  }

  FirewallModel model(bool icc = true, bool internal = false) {
    return {.bridges = {{"br-a", net("172.18.0.0/16"), internal, icc}, {"br-b", net("172.19.0.0/16")}}};
  }

  void apply(const FirewallModel& m) {
    auto r = fw_->apply(m);
    ASSERT_TRUE(r) << r.error().message();
  }

  // Connects from `from` to addr:port where `server` listens; returns what the client saw
  // and, when it connected, the client address the server saw.
  std::pair<Outcome, std::optional<IpAddr>> connect(const Namespaces& from, const Namespaces& server,
                                                    const IpAddr& addr, uint16_t port, uint16_t listen_port = 0) {
    auto l = sockets::tcp_listen(server, listen_port ? listen_port : port);
    EXPECT_TRUE(l) << l.error().message();
    auto o = sockets::tcp_connect(from, addr, port, kConnectTimeout);
    EXPECT_TRUE(o) << o.error().message();
    if (!o || *o != Outcome::kOk) return {o ? *o : Outcome::kOther, std::nullopt};
    auto peer = sockets::accept_peer(*l, 1s);
    EXPECT_TRUE(peer);
    return {*o, peer ? *peer : std::nullopt};
  }
  Outcome outcome(const Namespaces& from, const Namespaces& server, const IpAddr& addr, uint16_t port) {
    return connect(from, server, addr, port).first;
  }

  std::unique_ptr<testing::Lab> lab_;
  const Namespaces *c1_ = nullptr, *c2_ = nullptr, *c3_ = nullptr;
  std::optional<Firewall> fw_;
};

TEST_F(FirewallTrafficKernel, OtherBridgeIsDroppedSameBridgeWorks) {
  ASSERT_EQ(outcome(*c1_, *c2_, ip("172.19.0.2"), 80), Outcome::kOk) << "routed between bridges without a firewall";
  apply(model());
  EXPECT_EQ(outcome(*c1_, *c2_, ip("172.19.0.2"), 80), Outcome::kTimeout);
  EXPECT_EQ(outcome(*c2_, *c1_, ip("172.18.0.2"), 80), Outcome::kTimeout);
  EXPECT_EQ(outcome(*c1_, *c3_, ip("172.18.0.3"), 80), Outcome::kOk);
  ASSERT_TRUE(fw_->remove());
  EXPECT_EQ(outcome(*c1_, *c2_, ip("172.19.0.2"), 80), Outcome::kOk) << "remove() restores routing";
}

TEST_F(FirewallTrafficKernel, EgressIsMasqueradedToTheHostAddress) {
  ASSERT_EQ(outcome(*c1_, lab_->outside, kOutside, 80), Outcome::kTimeout) << "outside has no route back to 172.18/16";
  apply(model());
  auto [o, peer] = connect(*c1_, lab_->outside, kOutside, 80);
  ASSERT_EQ(o, Outcome::kOk);
  EXPECT_EQ(peer, kHostLan);
}

TEST_F(FirewallTrafficKernel, InternalBridgeHasNoEgress) {
  apply(model(/*icc=*/true, /*internal=*/true));
  EXPECT_EQ(outcome(*c1_, lab_->outside, kOutside, 80), Outcome::kTimeout);
  EXPECT_EQ(outcome(*c1_, *c3_, ip("172.18.0.3"), 80), Outcome::kOk);
  EXPECT_EQ(outcome(*c2_, lab_->outside, kOutside, 80), Outcome::kOk) << "br-b is not internal";
}

TEST_F(FirewallTrafficKernel, IccFalseDropsSameBridgeButNotEgress) {
  apply(model(/*icc=*/false));
  EXPECT_EQ(outcome(*c1_, *c3_, ip("172.18.0.3"), 80), Outcome::kTimeout);
  EXPECT_EQ(outcome(*c1_, lab_->outside, kOutside, 80), Outcome::kOk);
  apply(model(/*icc=*/true));
  EXPECT_EQ(outcome(*c1_, *c3_, ip("172.18.0.3"), 80), Outcome::kOk);
}

TEST_F(FirewallTrafficKernel, PublishedPortIsReachableFromOutsideWithTheClientAddress) {
  FirewallModel m = model();
  m.ports.push_back({"tcp", std::nullopt, 8080, ip("172.18.0.2"), 80, "br-a"});
  apply(m);
  auto [o, peer] = connect(lab_->outside, *c1_, kHostLan, 8080, /*listen_port=*/80);
  ASSERT_EQ(o, Outcome::kOk);
  EXPECT_EQ(peer, kOutside);
  m.ports.clear();
  apply(m);
  EXPECT_EQ(outcome(lab_->outside, *c1_, kHostLan, 8080), Outcome::kRefused) << "unpublished: nothing listens on the host";
}

TEST_F(FirewallTrafficKernel, DirectAccessToAContainerAddressIsDropped) {
  ASSERT_TRUE(lab_->outside_route(net("172.18.0.0/16"), kHostLan));
  ASSERT_EQ(outcome(lab_->outside, *c1_, ip("172.18.0.2"), 81), Outcome::kOk) << "routed without a firewall";
  FirewallModel m = model();
  m.ports.push_back({"tcp", std::nullopt, 8080, ip("172.18.0.2"), 80, "br-a"});
  apply(m);
  EXPECT_EQ(outcome(lab_->outside, *c1_, ip("172.18.0.2"), 81), Outcome::kTimeout);
}

}  // namespace
}  // namespace nc::nft
