// Kernel tests of the lab topology. Need root; skip with the reason otherwise.
#include "harness/lab/topology.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/lab/machine_snapshot.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/process/process.h"

namespace nc::lab {
namespace {

using namespace std::chrono_literals;

// ip:port as a socket address of its family (IPv4 or IPv6); `len` gets its size.
sockaddr_storage endpoint(std::string_view ip, uint16_t port, socklen_t& len) {
  sockaddr_storage a{};
  if (ip.find(':') == std::string_view::npos) {
    auto* in = reinterpret_cast<sockaddr_in*>(&a);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    ::inet_pton(AF_INET, std::string(ip).c_str(), &in->sin_addr);
    len = sizeof *in;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&a);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    ::inet_pton(AF_INET6, std::string(ip).c_str(), &in6->sin6_addr);
    len = sizeof *in6;
  }
  return a;
}

uint16_t port_of(const sockaddr_storage& a) {
  return ntohs(a.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(a).sin_port
                                      : reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
}

std::string address_of(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
  else ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, text, sizeof text);
  return text;
}

// A TCP listener on ip:0 (kHostIp or kHostIp6) inside the host; returns the fd and its port.
Result<std::pair<UniqueFd, uint16_t>> listen_in_host(const LabHost& lab, std::string_view ip) {
  return lab.host().run([&]() -> Result<std::pair<UniqueFd, uint16_t>> {
    socklen_t len = 0;
    auto a = endpoint(ip, 0, len);
    UniqueFd s(::socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), len) != 0) return sys_fail(fmt::format("bind {} in host", ip));
    if (::listen(s.get(), 4) != 0) return sys_fail("listen in host");
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len);
    return std::pair{std::move(s), port_of(a)};
  });
}

// Connects from a thread inside external to ip:port with a 2 s bound; returns the address
// the connection left from.
Result<std::string> connect_from_external(const LabHost& lab, std::string_view ip, uint16_t port) {
  return lab.external().run([&]() -> Result<std::string> {
    socklen_t len = 0;
    auto a = endpoint(ip, port, len);
    UniqueFd s(::socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), len) != 0 && errno != EINPROGRESS)
      return sys_fail(fmt::format("connect from external to {}", ip));
    pollfd p{s.get(), POLLOUT, 0};
    if (::poll(&p, 1, 2000) != 1) return failf("connect from external to {}: timed out", ip);
    int err = 0;
    socklen_t errlen = sizeof err;
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &errlen);
    if (err) return sys_fail(fmt::format("connect from external to {}", ip), err);
    sockaddr_storage local{};
    len = sizeof local;
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&local), &len);
    return address_of(local);
  });
}

bool has_default_route(const Namespaces& ns, int family) {
  auto rtnl = netlink::Rtnl::open(ns);
  auto routes = rtnl ? rtnl->routes(family) : std::unexpected(rtnl.error());
  if (!routes) return true;  // cannot tell: count as a failure
  for (const auto& r : *routes)
    if (r.dst.len() == 0) return true;
  return false;
}

class LabHostKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create namespaces";
  }
};

// Right after create(): a lost SYN or SYN-ACK (a link not yet active) would show as the
// 1 s TCP retransmit, so the handshake must also be quick. Several labs, as checks use them.
TEST_F(LabHostKernel, ExternalReachesHostAtOnce) {
  for (int i = 0; i < 5; ++i) {
    auto lab = LabHost::create();
    ASSERT_TRUE(lab) << lab.error().message();
    auto listener = listen_in_host(*lab, kHostIp);
    ASSERT_TRUE(listener) << listener.error().message();
    auto start = std::chrono::steady_clock::now();
    auto from = connect_from_external(*lab, kHostIp, listener->second);
    ASSERT_TRUE(from) << from.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "handshake stalled: a packet was dropped";
    EXPECT_EQ(*from, kExternalIp);
    UniqueFd accepted(::accept4(listener->first.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    EXPECT_TRUE(accepted) << "the host saw no connection";
  }
}

// The LAN is dual stack, and its IPv6 addresses are usable the moment the lab exists: no
// duplicate address detection holds them tentative (which would fail the bind, or stall
// the handshake for the second DAD takes).
TEST_F(LabHostKernel, ExternalReachesHostOverIpv6AtOnce) {
  auto lab = LabHost::create();
  ASSERT_TRUE(lab) << lab.error().message();
  auto listener = listen_in_host(*lab, kHostIp6);
  ASSERT_TRUE(listener) << listener.error().message();
  auto start = std::chrono::steady_clock::now();
  auto from = connect_from_external(*lab, kHostIp6, listener->second);
  ASSERT_TRUE(from) << from.error().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "handshake stalled: a packet was dropped";
  EXPECT_EQ(*from, kExternalIp6);
}

// What decides whether a lab is dual stack: IPv6 on by default in the namespace. (A lab
// on a kernel without IPv6 cannot be made from here; its LAN is then IPv4 only.)
TEST_F(LabHostKernel, Ipv6EnabledFollowsTheNamespacesDefault) {
  auto ns = Namespaces::create("v6-switch", kNsNet);
  ASSERT_TRUE(ns) << ns.error().message();
  EXPECT_TRUE(ipv6_enabled(*ns));
  ASSERT_TRUE(netlink::write_sysctl(*ns, "net.ipv6.conf.default.disable_ipv6", "1"));
  EXPECT_FALSE(ipv6_enabled(*ns));
}

TEST_F(LabHostKernel, NothingIsRoutedBeyondTheLan) {
  auto lab = LabHost::create();
  ASSERT_TRUE(lab) << lab.error().message();
  for (int family : {AF_INET, AF_INET6}) {
    EXPECT_FALSE(has_default_route(lab->host(), family)) << "family " << family;
    EXPECT_FALSE(has_default_route(lab->external(), family)) << "family " << family;
  }
  for (const char* beyond : {"192.0.2.1", "2001:db8::80"}) {
    auto r = run({.argv = {"ip", "route", "get", beyond}, .ns = &lab->host()}, 5s);
    ASSERT_TRUE(r);
    EXPECT_NE(r->exit_code, 0) << beyond << " is routable from the host: " << r->out;
  }
}

TEST_F(LabHostKernel, IpForwardFollowsTheOption) {
  for (bool forward : {true, false}) {
    auto lab = LabHost::create({.ip_forward = forward});
    ASSERT_TRUE(lab) << lab.error().message();
    auto v = netlink::read_sysctl(lab->host(), "net.ipv4.ip_forward");
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(v->substr(0, 1), forward ? "1" : "0");
  }
}

TEST_F(LabHostKernel, HostHasItsHostnameAndLinks) {
  auto lab = LabHost::create();
  ASSERT_TRUE(lab) << lab.error().message();
  auto name = run({.argv = {"hostname"}, .ns = &lab->host()}, 5s);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->out, "host\n");
  auto links = run({.argv = {"ip", "-br", "-4", "addr", "show", "eth0"}, .ns = &lab->external()}, 5s);
  ASSERT_TRUE(links);
  EXPECT_NE(links->out.find("203.0.113.100/24"), std::string::npos) << links->out;
}

TEST_F(LabHostKernel, DroppingItLeavesTheMachineUntouched) {
  auto before = MachineSnapshot::take();
  ASSERT_TRUE(before) << before.error().message();
  {
    auto lab = LabHost::create();
    ASSERT_TRUE(lab) << lab.error().message();
    // A mount inside the host's mount namespace must not reach the machine.
    auto r = run({.argv = {"mount", "-t", "tmpfs", "none", "/mnt"}, .ns = &lab->host()}, 5s);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->exit_code, 0) << r->err;
  }
  auto after = MachineSnapshot::take();
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(diff(*before, *after), "");
}

}  // namespace
}  // namespace nc::lab
