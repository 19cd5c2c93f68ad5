// Kernel tests of published ports through the whole runtime: exact undo of the ruleset,
// load through a published port, 500 publish/unpublish cycles, a race for one host port,
// and conntrack cleanup. The lab (host + outside namespaces on 203.0.113.0/24) is
// nft/testing's; containers run the real probe (`serve`).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "netimpl/nft/testing/lab.h"
#include "netimpl/nft/testing/ruleset.h"
#include "netimpl/ns/sockets.h"
#include "netimpl/process/process.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtime {
namespace {

using Json = nlohmann::json;
using nft::testing::kHostLan;
using std::chrono::milliseconds;

// The ruleset as an outside observer sees it, in the host's netns.
Json ruleset(const Namespaces& ns) {
  auto r = nft::testing::normalized_ruleset(ns);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : Json();
}

api::PortSpec port(uint16_t host, uint16_t container, Proto proto = Proto::kTcp, const char* ip = nullptr) {
  api::PortSpec p;
  if (ip) p.host_ip = *IpAddr::parse(ip);
  p.host_first = p.host_last = host;
  p.container_first = p.container_last = container;
  p.proto = proto;
  return p;
}

// A TCP socket made in `ns` (usable from any thread), non-blocking, connecting to addr:port.
Result<UniqueFd> start_connect(const Namespaces& ns, const IpAddr& addr, uint16_t port) {
  auto fd = NC_TRY(ns.run([&]() -> Result<UniqueFd> {
    UniqueFd s(::socket(addr.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s) return sys_fail("socket");
    return s;
  }));
  socklen_t len = 0;
  sockaddr_storage sa = sockets::any_sockaddr(addr, port, len);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0 && errno != EINPROGRESS)
    return sys_fail("connect");
  return fd;
}

// Reads each socket to EOF (the probe answers one JSON line and half-closes); returns how
// many got an answer that names a peer. Bounded by `timeout` overall.
int answered(std::vector<UniqueFd>& fds, milliseconds timeout) {
  std::vector<std::string> got(fds.size());
  std::vector<bool> done(fds.size(), false);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t open = fds.size();
  while (open > 0 && std::chrono::steady_clock::now() < deadline) {
    std::vector<pollfd> p;
    std::vector<size_t> idx;
    for (size_t i = 0; i < fds.size(); ++i)
      if (!done[i]) {
        p.push_back({fds[i].get(), POLLIN, 0});
        idx.push_back(i);
      }
    if (::poll(p.data(), p.size(), 100) <= 0) continue;
    for (size_t k = 0; k < p.size(); ++k) {
      if (!p[k].revents) continue;
      char buf[512];
      ssize_t n = ::recv(fds[idx[k]].get(), buf, sizeof buf, 0);
      if (n > 0) {
        got[idx[k]].append(buf, n);
        continue;
      }
      if (n < 0 && errno == EAGAIN) continue;
      done[idx[k]] = true;
      --open;
      fds[idx[k]].reset();
    }
  }
  int ok = 0;
  for (auto& g : got) ok += g.find("\"peer\"") != std::string::npos;
  return ok;
}

class PublishKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto lab = nft::testing::Lab::create();
    ASSERT_TRUE(lab) << lab.error().message();
    lab_ = std::move(*lab);
    auto rt = NetimplRuntime::create(lab_->host, {.probe_path = PROBE_PATH});
    if (!rt && rt.error().sys_errno() == EOPNOTSUPP) GTEST_SKIP() << "kernel lacks nf_tables NAT: " << rt.error().message();
    ASSERT_TRUE(rt) << rt.error().message();
    rt_ = std::move(*rt);
  }

  void create(const std::string& name, std::vector<api::PortSpec> ports, std::vector<std::string> cmd,
              std::string network = "bridge") {
    auto c = rt_->create_container({.name = name, .networks = {{.network = network}}, .publish = std::move(ports),
                                    .command = std::move(cmd)});
    ASSERT_TRUE(c) << c.error().message();
  }

  int fetch_many(int n, uint16_t host_port, milliseconds timeout = milliseconds(10000)) {
    std::vector<UniqueFd> fds;
    for (int i = 0; i < n; ++i) {
      auto fd = start_connect(lab_->outside, kHostLan, host_port);
      if (!fd) return -1;
      fds.push_back(std::move(*fd));
    }
    return answered(fds, timeout);
  }

  std::unique_ptr<nft::testing::Lab> lab_;
  std::unique_ptr<NetimplRuntime> rt_;
};

TEST_F(PublishKernel, UnpublishingRestoresTheRulesetExactly) {
  Json start = ruleset(lab_->host);
  create("web", {port(8080, 80), port(8443, 443, Proto::kTcp, "127.0.0.1"), port(5353, 53, Proto::kUdp)}, {"serve", "tcp://0.0.0.0:80"});
  Json published = ruleset(lab_->host);
  EXPECT_NE(published, start);
  EXPECT_NE(published.dump().find("8443"), std::string::npos);
  ASSERT_TRUE(rt_->remove_container("web"));
  EXPECT_EQ(ruleset(lab_->host), start);
}

TEST_F(PublishKernel, RemovingAContainerAndItsNetworkRestoresTheRulesetExactly) {
  Json start = ruleset(lab_->host);
  ASSERT_TRUE(rt_->create_network({.name = "appnet"}));
  Json with_net = ruleset(lab_->host);
  create("web", {port(8080, 80)}, {"serve", "tcp://0.0.0.0:80"}, "appnet");
  EXPECT_NE(ruleset(lab_->host), with_net);
  ASSERT_TRUE(rt_->remove_container("web"));
  EXPECT_EQ(ruleset(lab_->host), with_net);
  ASSERT_TRUE(rt_->remove_network("appnet"));
  EXPECT_EQ(ruleset(lab_->host), start);
}

TEST_F(PublishKernel, AFailedPublishChangesNothing) {
  create("web", {port(8080, 80)}, {"serve", "tcp://0.0.0.0:80"});
  Json before = ruleset(lab_->host);
  auto c = rt_->create_container({.name = "web2", .publish = {port(8081, 81), port(8080, 80)}, .command = {}});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("Bind for 0.0.0.0:8080/tcp failed: port is already allocated"), std::string::npos)
      << c.error().message();
  EXPECT_EQ(ruleset(lab_->host), before);
  EXPECT_FALSE(rt_->inspect("web2"));
  // 8081 was released with the failure: it can be published now.
  create("web3", {port(8081, 80)}, {"serve", "tcp://0.0.0.0:80"});
  EXPECT_EQ(fetch_many(1, 8080), 1);
  EXPECT_EQ(fetch_many(1, 8081), 1);
}

TEST_F(PublishKernel, InspectShowsTheAssignedHostPorts) {
  ASSERT_TRUE(netlink::write_sysctl(lab_->host, "net/ipv4/ip_local_port_range", "42000 42000"));
  api::PortSpec random = port(0, 80);
  random.host_last = 0;
  create("web", {random}, {"serve", "tcp://0.0.0.0:80"});
  auto info = rt_->inspect("web");
  ASSERT_TRUE(info);
  ASSERT_EQ(info->ports.size(), 1u);
  EXPECT_EQ(info->ports[0].host_port, 42000);
  EXPECT_EQ(info->ports[0].container_port, 80);
  EXPECT_EQ(fetch_many(1, 42000), 1);
}

TEST_F(PublishKernel, AThousandSequentialConnectionsThroughAPublishedPort) {
  create("web", {port(8080, 80)}, {"serve", "tcp://0.0.0.0:80"});
  int ok = 0;
  for (int i = 0; i < 1000; ++i) ok += fetch_many(1, 8080, milliseconds(3000));
  EXPECT_EQ(ok, 1000);
}

TEST_F(PublishKernel, TwoHundredConcurrentConnectionsThroughAPublishedPort) {
  create("web", {port(8080, 80)}, {"serve", "tcp://0.0.0.0:80"});
  EXPECT_EQ(fetch_many(200, 8080, milliseconds(20000)), 200);
}

TEST_F(PublishKernel, FiveHundredPublishUnpublishCyclesLeaveTheRulesetAsItWas) {
  // A lab of its own with a runtime that starts no processes: this exercises the network
  // side (ports, rules, conntrack), not probe start-up.
  auto lab = nft::testing::Lab::create();
  ASSERT_TRUE(lab);
  auto bare = NetimplRuntime::create((*lab)->host, {.probe_path = PROBE_PATH, .start_processes = false});
  ASSERT_TRUE(bare) << bare.error().message();
  Json start = ruleset((*lab)->host);
  for (int i = 0; i < 500; ++i) {
    auto c = (*bare)->create_container({.name = "web", .publish = {port(8080, 80), port(5353, 53, Proto::kUdp)}});
    ASSERT_TRUE(c) << i << ": " << c.error().message();
    ASSERT_TRUE((*bare)->remove_container("web")) << i;
  }
  EXPECT_EQ(ruleset((*lab)->host), start);
}

TEST_F(PublishKernel, TwoContainersRacingForOneHostPortOneWinsTheOtherGetsTheClearError) {
  // Processes would die with the thread that spawned them (PR_SET_PDEATHSIG is per thread),
  // so the racers use a runtime that starts none, in a lab of its own.
  auto lab = nft::testing::Lab::create();
  ASSERT_TRUE(lab);
  auto rt = NetimplRuntime::create((*lab)->host, {.probe_path = PROBE_PATH, .start_processes = false});
  ASSERT_TRUE(rt) << rt.error().message();
  std::mutex api;  // a Runtime is used by one thread at a time, as a daemon serialises requests
  std::vector<Result<api::ContainerInfo>> results(2, std::unexpected(Error("not run")));
  std::vector<std::thread> ts;
  for (int i = 0; i < 2; ++i)
    ts.emplace_back([&, i] {
      std::lock_guard lock(api);
      results[i] = (*rt)->create_container({.name = fmt::format("c{}", i), .publish = {port(8080, 80)}});
    });
  for (auto& t : ts) t.join();
  int wins = results[0].has_value() + results[1].has_value();
  ASSERT_EQ(wins, 1) << (results[0] ? "" : results[0].error().message()) << (results[1] ? "" : results[1].error().message());
  auto& loser = results[0] ? results[1] : results[0];
  EXPECT_NE(loser.error().message().find("port is already allocated"), std::string::npos) << loser.error().message();
  auto info = (*rt)->inspect(results[0] ? "c0" : "c1");
  ASSERT_TRUE(info);
  ASSERT_EQ(info->ports.size(), 1u);
  EXPECT_EQ(info->ports[0].host_port, 8080);
}

TEST_F(PublishKernel, TwoAllocatorsRacingInOneNamespaceOneGetsAddressAlreadyInUse) {
  portmap::PortAllocator a(lab_->host), b(lab_->host);
  Result<std::vector<portmap::Binding>> ra, rb;
  std::thread ta([&] { ra = a.reserve("a", port(9000, 80)); });
  std::thread tb([&] { rb = b.reserve("b", port(9000, 80)); });
  ta.join();
  tb.join();
  ASSERT_EQ(ra.has_value() + rb.has_value(), 1);
  auto& loser = ra ? rb : ra;
  EXPECT_EQ(loser.error().message(), "bind 0.0.0.0:9000/tcp: address already in use");
}

// Reads one connection's whole answer (the probe's JSON line), bounded by `timeout`.
std::string answer(UniqueFd fd, milliseconds timeout) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n > 0) got.append(buf, n);
    else if (n == 0 || errno != EAGAIN) {
      if (n < 0) got += fmt::format("(recv: {})", std::strerror(errno));
      break;
    }
  }
  return got;
}

// Hairpin: the container's SYN to host:8080 is DNATed back to itself at the bridge; the
// bridge port must be in hairpin mode and the flow masqueraded to the gateway, or the
// reply short-cuts inside the container and the connection times out.
TEST_F(PublishKernel, AContainerReachesItsOwnPublishedPortThroughTheHostAddress) {
  create("web", {port(8080, 80)}, {"serve", "tcp://0.0.0.0:80"});
  auto fd = start_connect(*rt_->container_ns("web"), kHostLan, 8080);
  ASSERT_TRUE(fd) << fd.error().message();
  std::string got = answer(std::move(*fd), milliseconds(3000));
  EXPECT_NE(got.find("\"peer\":\"172.17.0.1:"), std::string::npos) << got;
}

// What DNAT cannot carry goes through the userland proxy (publish.h): a port on [::1], and
// IPv6 to a container without IPv6. Neither gets a rule, and both end with the container.
TEST_F(PublishKernel, Ipv6LoopbackAndIpv6ToAnIpv4ContainerGoThroughTheUserlandProxy) {
  const IpAddr lo6 = *IpAddr::parse("::1");
  ASSERT_TRUE(rt_->create_network({.name = "six", .ipv6 = true}));
  Json before = ruleset(lab_->host);
  create("six", {port(8090, 80, Proto::kTcp, "::1")}, {"serve", "tcp://[::]:80"}, "six");
  create("four", {port(8091, 80)}, {"serve", "tcp://0.0.0.0:80"});
  std::string rules = ruleset(lab_->host).dump();
  EXPECT_EQ(rules.find("8090"), std::string::npos) << "a rule for [::1]:8090: " << rules;
  auto via_lo6 = [&](uint16_t p) {
    auto fd = start_connect(lab_->host, lo6, p);
    return fd ? answer(std::move(*fd), milliseconds(3000)) : fd.error().message();
  };
  std::string six = via_lo6(8090), four = via_lo6(8091);
  EXPECT_NE(six.find("\"peer\""), std::string::npos) << six;  // the server on [::]:80 answered
  EXPECT_NE(four.find("\"peer\":\"172.17.0.1:"), std::string::npos) << four;
  ASSERT_TRUE(rt_->remove_container("four"));
  four = via_lo6(8091);
  EXPECT_EQ(four.find("\"peer\""), std::string::npos) << four;
  ASSERT_TRUE(rt_->remove_container("six"));
  EXPECT_EQ(ruleset(lab_->host), before);
}

// Connect and disconnect move the address published ports lead to (publish.h): the rules
// follow at once, not at the next unrelated change.
TEST_F(PublishKernel, DisconnectingMovesThePublishedPortToTheRemainingNetwork) {
  ASSERT_TRUE(rt_->create_network({.name = "n1"}));
  ASSERT_TRUE(rt_->create_network({.name = "n2"}));
  create("web", {port(8080, 80)}, {"serve", "tcp://0.0.0.0:80"}, "n1");
  ASSERT_TRUE(rt_->connect("web", {.network = "n2"}));
  auto info = rt_->inspect("web");
  ASSERT_TRUE(info);
  std::string on_n1 = info->endpoint("n1")->ip.str(), on_n2 = info->endpoint("n2")->ip.str();
  EXPECT_EQ(fetch_many(1, 8080, milliseconds(3000)), 1);
  ASSERT_TRUE(rt_->disconnect("web", "n1"));
  std::string rules = ruleset(lab_->host).dump();
  EXPECT_EQ(rules.find(on_n1), std::string::npos) << rules;
  EXPECT_NE(rules.find(on_n2), std::string::npos) << rules;
  EXPECT_EQ(fetch_many(1, 8080, milliseconds(3000)), 1);
  // And back: connected to n1 again, the port moves back to it at once ("n1" sorts before
  // "n2": drivers::gateway_endpoint), and stays there when n2 goes.
  ASSERT_TRUE(rt_->connect("web", {.network = "n1"}));
  info = rt_->inspect("web");
  ASSERT_TRUE(info);
  rules = ruleset(lab_->host).dump();
  EXPECT_NE(rules.find(info->endpoint("n1")->ip.str()), std::string::npos) << rules;
  EXPECT_EQ(rules.find(on_n2), std::string::npos) << rules;
  ASSERT_TRUE(rt_->disconnect("web", "n2"));
  rules = ruleset(lab_->host).dump();
  EXPECT_NE(rules.find(info->endpoint("n1")->ip.str()), std::string::npos) << rules;
  EXPECT_EQ(fetch_many(1, 8080, milliseconds(3000)), 1);
}

// A UDP client keeps one source port, so its packets form one conntrack flow. When the
// mapping moves to another container, the flow must follow the new DNAT, not the old one.
TEST_F(PublishKernel, AUdpFlowFollowsTheMappingAfterTheOldContainerIsRemoved) {
  ASSERT_TRUE(rt_->create_network({.name = "n1"}));
  ASSERT_TRUE(rt_->create_network({.name = "n2"}));
  create("old", {port(5353, 5300, Proto::kUdp)}, {"serve", "udp://0.0.0.0:5300", "--reply", "old"}, "n1");
  auto sock = sockets::udp_connect(lab_->outside, kHostLan, 5353);
  ASSERT_TRUE(sock);
  auto ask = [&]() -> std::string {
    EXPECT_TRUE(sockets::udp_send(*sock, "q"));
    auto r = sockets::udp_recv(*sock, milliseconds(1000));
    return r && *r ? **r : "";
  };
  EXPECT_NE(ask().find("\"reply\":\"old\""), std::string::npos);
  ASSERT_TRUE(rt_->remove_container("old"));
  create("new", {port(5353, 5300, Proto::kUdp)}, {"serve", "udp://0.0.0.0:5300", "--reply", "new"}, "n2");
  EXPECT_NE(ask().find("\"reply\":\"new\""), std::string::npos);
}

}  // namespace
}  // namespace nc::runtime
