// Kernel tests of the userland proxy on its own. One network namespace holds both the
// host sockets the proxy serves (made as the port allocator makes them: IPv6 only, bound,
// TCP listening) and the target servers, all on loopback, so each test is about relaying:
// IPv6 to IPv4, both directions of a large transfer, half closes, a refused target, routes
// that go, UDP flows.
#include "netimpl/portmap/proxy.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/sockets.h"

namespace nc::portmap {
namespace {

using std::chrono::milliseconds;
const IpAddr kLo4 = *IpAddr::parse("127.0.0.1");
const IpAddr kLo6 = *IpAddr::parse("::1");

// Reads until EOF or `timeout`; nullopt when the time ran out first.
std::optional<std::string> read_to_eof(int fd, milliseconds timeout) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) return std::nullopt;
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, size_t(n));
  }
}

class ProxyKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto ns = Namespaces::create("proxy-test", kNsNet, []() -> Result<void> {
      auto rtnl = NC_TRY(netlink::Rtnl::open_here("proxy-test"));
      return rtnl.set_up("lo");
    });
    ASSERT_TRUE(ns) << ns.error().message();
    ns_ = std::move(*ns);
    proxy_ = std::make_unique<UserlandProxy>(ns_);
  }
  void TearDown() override { proxy_.reset(); }

  // A held host socket, as the allocator holds one: [::1]:port, IPv6 only.
  UniqueFd hold(Proto proto, uint16_t port) {
    if (proto == Proto::kTcp) {
      auto fd = sockets::tcp_listen(ns_, port, 64, AF_INET6);  // on [::], IPv6 only
      EXPECT_TRUE(fd) << fd.error().message();
      return fd ? std::move(*fd) : UniqueFd();
    }
    auto fd = ns_.run([&]() -> Result<UniqueFd> {
      UniqueFd s(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
      int one = 1;
      ::setsockopt(s.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      socklen_t len = 0;
      sockaddr_storage sa = sockets::any_sockaddr(kLo6, port, len);
      if (::bind(s.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0) return sys_fail("bind");
      return s;
    });
    EXPECT_TRUE(fd) << fd.error().message();
    return fd ? std::move(*fd) : UniqueFd();
  }

  // A connected TCP client of [::1]:port.
  UniqueFd client(uint16_t port) {
    auto fds = sockets::tcp_sockets(ns_, 1, AF_INET6);
    EXPECT_TRUE(fds);
    socklen_t len = 0;
    sockaddr_storage sa = sockets::any_sockaddr(kLo6, port, len);
    EXPECT_EQ(::connect((*fds)[0].get(), reinterpret_cast<sockaddr*>(&sa), len), 0) << strerror(errno);
    return std::move((*fds)[0]);
  }

  Namespaces ns_;
  std::unique_ptr<UserlandProxy> proxy_;
};

// The target echoes everything back in upper case once the client half-closes, then
// closes: a megabyte each way proves both directions, the buffering and the half close.
TEST_F(ProxyKernel, TcpFromIpv6IsRelayedToAnIpv4TargetBothWaysWithHalfClose) {
  UniqueFd held = hold(Proto::kTcp, 8080);
  auto target = sockets::tcp_listen(ns_, 9090);
  ASSERT_TRUE(target) << target.error().message();
  ASSERT_TRUE(proxy_->set({{.fd = held.get(), .proto = Proto::kTcp, .target = kLo4, .port = 9090}}));
  std::thread server([&] {
    int c = ::accept(target->get(), nullptr, nullptr);
    auto in = read_to_eof(c, milliseconds(10000));
    std::string out = in.value_or("");
    for (char& ch : out) ch = char(std::toupper(ch));
    for (size_t off = 0; off < out.size();) {
      ssize_t n = ::send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += size_t(n);
    }
    ::close(c);
  });
  UniqueFd c = client(8080);
  std::string sent(1 << 20, 'x');
  std::thread writer([&] {
    for (size_t off = 0; off < sent.size();) {
      ssize_t n = ::send(c.get(), sent.data() + off, sent.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += size_t(n);
    }
    ::shutdown(c.get(), SHUT_WR);  // the proxy must pass this on, or the server never answers
  });
  auto got = read_to_eof(c.get(), milliseconds(10000));
  writer.join();
  server.join();
  ASSERT_TRUE(got) << "no end of stream from the proxy";
  EXPECT_EQ(got->size(), sent.size());
  EXPECT_EQ(*got, std::string(1 << 20, 'X'));
}

TEST_F(ProxyKernel, ARefusingTargetClosesTheAcceptedClientEmpty) {
  UniqueFd held = hold(Proto::kTcp, 8081);
  ASSERT_TRUE(proxy_->set({{.fd = held.get(), .proto = Proto::kTcp, .target = kLo4, .port = 9091}}));  // nobody there
  UniqueFd c = client(8081);
  auto got = read_to_eof(c.get(), milliseconds(5000));
  ASSERT_TRUE(got) << "the proxy kept a connection it could not relay";
  EXPECT_EQ(*got, "");
}

TEST_F(ProxyKernel, ARouteThatGoesClosesItsConnectionsAndNoLongerAccepts) {
  UniqueFd held = hold(Proto::kTcp, 8082);
  auto target = sockets::tcp_listen(ns_, 9092);
  ASSERT_TRUE(target);
  ASSERT_TRUE(proxy_->set({{.fd = held.get(), .proto = Proto::kTcp, .target = kLo4, .port = 9092}}));
  UniqueFd c = client(8082);
  int served = ::accept(target->get(), nullptr, nullptr);  // the relay reached the target
  ASSERT_GE(served, 0);
  for (int i = 0; i < 100 && proxy_->active() == 0; ++i) std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(proxy_->active(), 1u);
  ASSERT_TRUE(proxy_->set({}));
  EXPECT_EQ(proxy_->active(), 0u);
  auto got = read_to_eof(c.get(), milliseconds(5000));
  EXPECT_TRUE(got) << "the client's connection stayed open after its route went";
  auto on_target = read_to_eof(served, milliseconds(5000));
  EXPECT_TRUE(on_target) << "the target's connection stayed open after its route went";
  ::close(served);
  // The held socket is the caller's again: a new client waits in its backlog, unserved.
  UniqueFd late = client(8082);
  pollfd p{target->get(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 200), 0) << "a connection reached the target after the route went";
}

TEST_F(ProxyKernel, UdpFromIpv6IsRelayedToAnIpv4TargetAndTheReplyComesFromTheHostPort) {
  UniqueFd held = hold(Proto::kUdp, 5353);
  auto target = sockets::udp_bind(ns_, 5300);
  ASSERT_TRUE(target);
  ASSERT_TRUE(proxy_->set({{.fd = held.get(), .proto = Proto::kUdp, .target = kLo4, .port = 5300}}));
  auto c = sockets::udp_connect(ns_, kLo6, 5353);  // connected: only replies from [::1]:5353 arrive
  ASSERT_TRUE(c) << c.error().message();
  for (const char* q : {"one", "two"}) {
    ASSERT_TRUE(sockets::udp_send(*c, q));
    auto echoed = sockets::udp_recv(*target, milliseconds(2000), /*echo=*/true);
    ASSERT_TRUE(echoed && *echoed) << "the datagram did not reach the target";
    EXPECT_EQ(**echoed, q);
    auto back = sockets::udp_recv(*c, milliseconds(2000));
    ASSERT_TRUE(back && *back) << "no reply through the host port";
    EXPECT_EQ(**back, q);
  }
  EXPECT_EQ(proxy_->active(), 1u);  // one client, one flow
}

}  // namespace
}  // namespace nc::portmap
