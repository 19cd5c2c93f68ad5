// The lab's upstream DNS on both families: each server answers on its IPv4 and its IPv6
// address, a fault set by either address holds for both, and the log names the address
// a query was sent to. In a real lab host (topology.h); needs root.
#include "harness/upstream_dns/upstream_dns.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "harness/lab/topology.h"
#include "netimpl/dns/message.h"
#include "netimpl/dns/sockets.h"
#include "netimpl/dns/test_query.h"

namespace nc::upstream_dns {
namespace {

// One UDP query from the lab host to `server`:53; the reply, or empty after 500 ms.
std::vector<uint8_t> ask(const lab::LabHost& lab, const char* server, uint16_t type) {
  auto fd = dns::dial_in(lab.host().fd(kNsNet), SOCK_DGRAM, *IpAddr::parse(server), 53);
  EXPECT_TRUE(fd) << fd.error().message();
  if (!fd) return {};
  auto q = dns::make_query("www.example.test", type);
  EXPECT_EQ(::send(fd->get(), q.data(), q.size(), 0), static_cast<ssize_t>(q.size()));
  pollfd p{fd->get(), POLLIN, 0};
  if (::poll(&p, 1, 500) != 1) return {};
  std::vector<uint8_t> buf(4096);
  ssize_t n = ::recv(fd->get(), buf.data(), buf.size(), 0);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

bool carries(const std::vector<uint8_t>& reply, const char* v6) {
  uint8_t want[16];
  ::inet_pton(AF_INET6, v6, want);
  return std::search(reply.begin(), reply.end(), std::begin(want), std::end(want)) != reply.end();
}

class UpstreamDnsKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create namespaces";
    auto lab = lab::LabHost::create();
    ASSERT_TRUE(lab) << lab.error().message();
    lab_.emplace(std::move(*lab));
    std::vector<std::vector<IpAddr>> servers;
    for (size_t i = 0; i < std::size(kUpstreamIps); ++i)
      servers.push_back({*IpAddr::parse(kUpstreamIps[i]), *IpAddr::parse(kUpstreamIps6[i])});
    auto up = UpstreamDns::start(lab_->external(), servers);
    ASSERT_TRUE(up) << up.error().message();
    up_ = std::move(*up);
  }

  std::optional<lab::LabHost> lab_;
  std::unique_ptr<UpstreamDns> up_;
};

TEST_F(UpstreamDnsKernel, AnswersAaaaOverIpv6AndLogsTheAddressAsked) {
  auto r = ask(*lab_, "2001:db8:113::53", dns::kTypeAaaa);
  ASSERT_GE(r.size(), 12u) << "no answer over IPv6";
  EXPECT_EQ(r[3] & 0x0f, 0) << "rcode";
  EXPECT_EQ(r[6] << 8 | r[7], 1) << "answers";
  EXPECT_TRUE(carries(r, "2001:db8::80")) << "the zone's AAAA for www.example.test";
  auto log = up_->log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].server, "2001:db8:113::53");
  EXPECT_EQ(log[0].type, "AAAA");
  EXPECT_EQ(log[0].source, lab::kHostIp6);
}

// A server is one server on both of its addresses: a fault set by its IPv4 address (as
// checks name servers) silences its IPv6 address too, and no other server.
TEST_F(UpstreamDnsKernel, AFaultHoldsForBothAddressesOfItsServer) {
  up_->set_fault("203.0.113.53", Fault::kDrop, 0);
  EXPECT_TRUE(ask(*lab_, "203.0.113.53", dns::kTypeA).empty());
  EXPECT_TRUE(ask(*lab_, "2001:db8:113::53", dns::kTypeA).empty());
  EXPECT_FALSE(ask(*lab_, "2001:db8:113::54", dns::kTypeA).empty());
  up_->set_fault("2001:db8:113::53", Fault::kAnswer, 0);
  EXPECT_FALSE(ask(*lab_, "203.0.113.53", dns::kTypeA).empty());
}

}  // namespace
}  // namespace nc::upstream_dns
