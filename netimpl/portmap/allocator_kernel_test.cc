// Kernel tests: the allocator holds real sockets in a fresh network namespace.
#include "netimpl/portmap/allocator.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include <gtest/gtest.h>

#include "netimpl/netlink/rtnl.h"

namespace nc::portmap {
namespace {

api::PortSpec tcp(uint16_t hf, uint16_t hl, uint16_t cf, uint16_t cl, const char* ip = nullptr) {
  api::PortSpec s;
  if (ip) s.host_ip = *IpAddr::parse(ip);
  s.host_first = hf;
  s.host_last = hl;
  s.container_first = cf;
  s.container_last = cl;
  return s;
}

class PortAllocatorKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    auto ns = Namespaces::create("ports", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    ns_ = std::move(*ns);
  }
  // Can a foreign program bind this TCP port on 0.0.0.0 in the namespace right now?
  bool foreign_can_bind(uint16_t port) {
    auto r = ns_.run([port]() -> Result<bool> {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(port);
      bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
      ::close(fd);
      return ok;
    });
    return r && *r;
  }
  Namespaces ns_;
};

TEST_F(PortAllocatorKernel, HoldsThePortUntilReleased) {
  PortAllocator a(ns_);
  auto b = a.reserve("web", tcp(8080, 8080, 80, 80));
  ASSERT_TRUE(b) << b.error().message();
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].host.port, 8080);
  EXPECT_FALSE(foreign_can_bind(8080));
  EXPECT_EQ(a.release("web").size(), 1u);
  EXPECT_TRUE(foreign_can_bind(8080));
  EXPECT_TRUE(a.release("web").empty());
}

TEST_F(PortAllocatorKernel, ASecondMappingOfThePortIsAlreadyAllocatedAndTheFirstStays) {
  PortAllocator a(ns_);
  ASSERT_TRUE(a.reserve("web", tcp(8080, 8080, 80, 80)));
  auto b = a.reserve("db", tcp(8080, 8080, 81, 81, "127.0.0.1"));
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message(), "Bind for 127.0.0.1:8080/tcp failed: port is already allocated");
  EXPECT_EQ(a.size(), 1u);
  EXPECT_FALSE(foreign_can_bind(8080));
  // UDP on the same number is another port.
  auto u = tcp(8080, 8080, 80, 80);
  u.proto = "udp";
  EXPECT_TRUE(a.reserve("db", u));
}

TEST_F(PortAllocatorKernel, AForeignListenerGivesAddressAlreadyInUse) {
  auto fd = ns_.run([]() -> Result<int> {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(9090);
    if (::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(s, 1) != 0) return sys_fail("listen");
    return s;
  });
  ASSERT_TRUE(fd) << fd.error().message();
  PortAllocator a(ns_);
  auto b = a.reserve("web", tcp(9090, 9090, 80, 80));
  ::close(*fd);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message(), "bind 0.0.0.0:9090/tcp: address already in use");
  EXPECT_EQ(a.size(), 0u);
}

TEST_F(PortAllocatorKernel, ARangeIsAllOrNothing) {
  PortAllocator a(ns_);
  ASSERT_TRUE(a.reserve("x", tcp(8001, 8001, 80, 80)));
  auto b = a.reserve("web", tcp(8000, 8002, 80, 82));
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message().find("8001"), std::string::npos);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_TRUE(foreign_can_bind(8000));
  a.release("x");
  auto ok = a.reserve("web", tcp(8000, 8002, 80, 82));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[2].host.port, 8002);
  EXPECT_EQ((*ok)[2].container_port, 82);
}

TEST_F(PortAllocatorKernel, AHostRangeForOnePortTakesTheFirstFreeOne) {
  PortAllocator a(ns_);
  ASSERT_TRUE(a.reserve("x", tcp(9000, 9000, 80, 80)));
  auto b = a.reserve("web", tcp(9000, 9010, 80, 80));
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ((*b)[0].host.port, 9001);
  auto full = a.reserve("y", tcp(9000, 9001, 80, 80));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().message(), "all ports are allocated: host ports 9000-9001/tcp on 0.0.0.0");
}

TEST_F(PortAllocatorKernel, RandomPortsComeFromTheNamespacesEphemeralRange) {
  ASSERT_TRUE(netlink::write_sysctl(ns_, "net/ipv4/ip_local_port_range", "41000 41003"));
  PortAllocator a(ns_);
  std::set<uint16_t> got;
  for (int i = 0; i < 4; ++i) {
    auto b = a.reserve(fmt::format("c{}", i), tcp(0, 0, 80, 80));
    ASSERT_TRUE(b) << b.error().message();
    got.insert((*b)[0].host.port);
  }
  EXPECT_EQ(got, (std::set<uint16_t>{41000, 41001, 41002, 41003}));
  EXPECT_FALSE(a.reserve("c5", tcp(0, 0, 80, 80)));
}

}  // namespace
}  // namespace nc::portmap
