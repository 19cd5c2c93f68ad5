// A UDP flow through a published port outlives the DNAT rule until flush_conntrack() ends
// it. Needs root; skips otherwise.
#include "netimpl/nft/conntrack.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "netimpl/nft/firewall.h"
#include "netimpl/nft/testing/lab.h"
#include "netimpl/ns/sockets.h"

namespace nc::nft {
namespace {

using namespace std::chrono_literals;

class ConntrackKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto lab = testing::Lab::create();
    ASSERT_TRUE(lab) << lab.error().message();
    lab_ = std::move(*lab);
    ASSERT_TRUE(lab_->add_bridge("br-a", *Prefix::parse("172.18.0.1/16")));
    auto c1 = lab_->add_container("c1", "br-a", *Prefix::parse("172.18.0.2/16"));
    ASSERT_TRUE(c1) << c1.error().message();
    c1_ = *c1;
  }

  // Sends `payload` from the client and returns what the container received, if anything.
  // The container echoes it and the client must get the echo: a flow with replies is
  // "established", the state in which a stale entry keeps passing the forward chain.
  std::optional<std::string> roundtrip(const UniqueFd& client, const UniqueFd& server, const std::string& payload,
                                       std::chrono::milliseconds wait) {
    EXPECT_TRUE(sockets::udp_send(client, payload));
    auto got = sockets::udp_recv(server, wait, /*echo=*/true);
    EXPECT_TRUE(got);
    if (!got || !*got) return std::nullopt;
    auto echoed = sockets::udp_recv(client, 5s);
    EXPECT_TRUE(echoed && *echoed == **got) << "no echo for " << payload;
    return *got;
  }

  std::unique_ptr<testing::Lab> lab_;
  const Namespaces* c1_ = nullptr;
};

TEST_F(ConntrackKernel, FlushEndsAUdpFlowTheRemovedRuleLeftRunning) {
  PortMapping udp{Proto::kUdp, std::nullopt, 9999, *IpAddr::parse("172.18.0.2"), 9999, "br-a"};
  FirewallModel published{.bridges = {{"br-a", *Prefix::parse("172.18.0.0/16")}}, .ports = {udp}};
  FirewallModel unpublished{.bridges = published.bridges};
  auto fw = Firewall::open(lab_->host);
  ASSERT_TRUE(fw);
  ASSERT_TRUE(fw->apply(published));

  auto server = sockets::udp_bind(*c1_, 9999);
  auto client = sockets::udp_connect(lab_->outside, testing::kHostLan, 9999);
  ASSERT_TRUE(server && client);
  // Waits that expect an answer end when it comes; they are long because a loaded machine
  // (CI with -j2) once took over 1 s for the first datagram (its neighbour lookup).
  EXPECT_EQ(roundtrip(*client, *server, "a", 5s), "a");

  ASSERT_TRUE(fw->apply(unpublished));
  EXPECT_EQ(roundtrip(*client, *server, "b", 5s), "b") << "the conntrack entry still carries the DNAT";

  PortMapping other = udp;
  other.host_port = 9998;
  auto none = flush_conntrack(lab_->host, other);
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_EQ(*none, 0);

  auto n = flush_conntrack(lab_->host, udp);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 1);
  // Nothing to wait for on success: the datagram now goes to the host, which has no
  // listener, so the container must stay silent.
  EXPECT_EQ(roundtrip(*client, *server, "c", 500ms), std::nullopt);

  auto again = flush_conntrack(lab_->host, udp);
  ASSERT_TRUE(again);
}

}  // namespace
}  // namespace nc::nft
