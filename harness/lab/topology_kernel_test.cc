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

sockaddr_in endpoint(std::string_view ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, std::string(ip).c_str(), &a.sin_addr);
  return a;
}

// A TCP listener on kHostIp:0 inside the host; returns the fd and its port.
Result<std::pair<UniqueFd, uint16_t>> listen_in_host(const LabHost& lab) {
  return lab.host().run([]() -> Result<std::pair<UniqueFd, uint16_t>> {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto a = endpoint(kHostIp, 0);
    socklen_t len = sizeof a;
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), len) != 0) return sys_fail("bind in host");
    if (::listen(s.get(), 4) != 0) return sys_fail("listen in host");
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len);
    return std::pair{std::move(s), ntohs(a.sin_port)};
  });
}

// Connects from a thread inside external to host:port with a 2 s bound.
Result<sockaddr_in> connect_from_external(const LabHost& lab, uint16_t port) {
  return lab.external().run([&]() -> Result<sockaddr_in> {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    auto a = endpoint(kHostIp, port);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS)
      return sys_fail("connect from external");
    pollfd p{s.get(), POLLOUT, 0};
    if (::poll(&p, 1, 2000) != 1) return fail("connect from external: timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) return sys_fail("connect from external", err);
    sockaddr_in local{};
    len = sizeof local;
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&local), &len);
    return local;
  });
}

// The same over IPv6: a listener on [kHostIp6]:0 in the host, a connect from external
// with a 2 s bound; returns the address the connection came from.
Result<std::string> connect6_from_external(const LabHost& lab) {
  auto listener = NC_TRY(lab.host().run([]() -> Result<std::pair<UniqueFd, uint16_t>> {
    UniqueFd s(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    ::inet_pton(AF_INET6, std::string(kHostIp6).c_str(), &a.sin6_addr);
    socklen_t len = sizeof a;
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), len) != 0) return sys_fail("bind [host ipv6] in host");
    if (::listen(s.get(), 4) != 0) return sys_fail("listen in host");
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len);
    return std::pair{std::move(s), ntohs(a.sin6_port)};
  }));
  return lab.external().run([&]() -> Result<std::string> {
    UniqueFd s(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(listener.second);
    ::inet_pton(AF_INET6, std::string(kHostIp6).c_str(), &a.sin6_addr);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS)
      return sys_fail("connect from external over IPv6");
    pollfd p{s.get(), POLLOUT, 0};
    if (::poll(&p, 1, 2000) != 1) return fail("connect from external over IPv6: timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) return sys_fail("connect from external over IPv6", err);
    sockaddr_in6 local{};
    len = sizeof local;
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&local), &len);
    char from[INET6_ADDRSTRLEN];
    ::inet_ntop(AF_INET6, &local.sin6_addr, from, sizeof from);
    return std::string(from);
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
    auto listener = listen_in_host(*lab);
    ASSERT_TRUE(listener) << listener.error().message();
    auto start = std::chrono::steady_clock::now();
    auto local = connect_from_external(*lab, listener->second);
    ASSERT_TRUE(local) << local.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "handshake stalled: a packet was dropped";
    char from[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &local->sin_addr, from, sizeof from);
    EXPECT_EQ(std::string(from), kExternalIp);
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
  auto start = std::chrono::steady_clock::now();
  auto from = connect6_from_external(*lab);
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
