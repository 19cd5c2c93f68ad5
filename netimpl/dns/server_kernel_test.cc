// The embedded server in real network namespaces: local answers over UDP and TCP,
// forwarding with failover, garbage that must not hurt other clients, and removal.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "netimpl/dns/message.h"
#include "netimpl/dns/server.h"
#include "netimpl/dns/sockets.h"
#include "netimpl/dns/test_query.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::dns {
namespace {

using namespace std::chrono_literals;
const IpAddr kServer = *IpAddr::parse("127.0.0.11");

// Waits for one datagram/stream chunk; empty on timeout.
std::vector<uint8_t> recv_within(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) != 1) return {};
  std::vector<uint8_t> buf(65600);
  ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

int rcode_of(const std::vector<uint8_t>& r) { return r.size() >= 12 ? (r[3] & 0x0f) : -1; }
int ancount_of(const std::vector<uint8_t>& r) { return r.size() >= 12 ? (r[6] << 8 | r[7]) : -1; }

class DnsServerKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ctr_ = *Namespaces::create("ctr", kNsNet);
    up_ = *Namespaces::create("up", kNsNet);
    ASSERT_TRUE(netlink::Rtnl::open(ctr_)->set_up("lo"));
    ASSERT_TRUE(netlink::Rtnl::open(up_)->set_up("lo"));
    server_ = std::move(*Server::start({.upstream_timeout = 300ms, .max_in_flight = 1024, .tcp_idle = 2000ms, .port = 53}));
    server_->edit_table([](NameTable& t) {
      t.set_network("appnet", false);
      t.put({.name = "web", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.2"), .aliases = {}}}});
    });
    ASSERT_TRUE(server_->add_container("web", ctr_.fd(kNsNet), {}));
  }

  std::vector<uint8_t> ask_udp(const std::vector<uint8_t>& q, int ms = 1000) {
    auto fd = dial_in(ctr_.fd(kNsNet), SOCK_DGRAM, kServer, 53);
    EXPECT_TRUE(fd);
    ::send(fd->get(), q.data(), q.size(), 0);
    return recv_within(fd->get(), ms);
  }

  // A fake upstream in `up_` at 127.0.0.1:5353 answering NXDOMAIN to everything.
  void start_upstream(std::atomic<int>& seen) {
    auto l = listen_in(up_.fd(kNsNet), *IpAddr::parse("127.0.0.1"), 5353);
    ASSERT_TRUE(l);
    upstream_ = std::thread([fd = std::move(l->udp), &seen, this]() mutable {
      while (!stop_) {
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 50) != 1) continue;
        uint8_t buf[1500];
        ssize_t n = ::recvfrom(fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 12) continue;
        ++seen;
        buf[2] |= 0x80;
        buf[3] = (buf[3] & 0xf0) | 3;
        ::sendto(fd.get(), buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
      }
    });
  }

  void TearDown() override {
    stop_ = true;
    if (upstream_.joinable()) upstream_.join();
  }

  Namespaces ctr_, up_;
  std::unique_ptr<Server> server_;
  std::thread upstream_;
  std::atomic<bool> stop_{false};
};

TEST_F(DnsServerKernelTest, AnswersLocalNamesOverUdpAndTcp) {
  auto r = ask_udp(make_query("web", kTypeA));
  EXPECT_EQ(rcode_of(r), 0);
  EXPECT_EQ(ancount_of(r), 1);
  auto tcp = dial_in(ctr_.fd(kNsNet), SOCK_STREAM, kServer, 53);
  ASSERT_TRUE(tcp);
  pollfd p{tcp->get(), POLLOUT, 0};
  ASSERT_EQ(::poll(&p, 1, 1000), 1);
  auto q = make_query("web.appnet", kTypeA);
  std::vector<uint8_t> msg{0, static_cast<uint8_t>(q.size())};
  msg.insert(msg.end(), q.begin(), q.end());
  ASSERT_EQ(::send(tcp->get(), msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
  auto got = recv_within(tcp->get(), 1000);
  ASSERT_GT(got.size(), 2u);
  EXPECT_EQ(ancount_of(std::vector<uint8_t>(got.begin() + 2, got.end())), 1);
}

// Repeated queries are answered from the answer cache: an edit must still show at once.
TEST_F(DnsServerKernelTest, TableEditsAreVisibleToTheNextQuery) {
  auto q = make_query("web", kTypeA);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(ancount_of(ask_udp(q)), 1);
  auto r = ask_udp(q);
  ASSERT_GE(r.size(), 4u);
  EXPECT_EQ(std::vector<uint8_t>(r.end() - 4, r.end()), (std::vector<uint8_t>{172, 18, 0, 2}));
  server_->edit_table([](NameTable& t) {
    t.put({.name = "web", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.9"), .aliases = {}}}});
  });
  r = ask_udp(q);
  ASSERT_GE(r.size(), 4u);
  EXPECT_EQ(std::vector<uint8_t>(r.end() - 4, r.end()), (std::vector<uint8_t>{172, 18, 0, 9}));
  server_->edit_table([](NameTable& t) { t.remove("web"); t.put({.name = "other", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.3"), .aliases = {}}}}); });
  EXPECT_EQ(rcode_of(ask_udp(make_query("web", kTypeA))), 2);  // the asker is on no network now: SERVFAIL
}

TEST_F(DnsServerKernelTest, FailsOverFromADeadUpstreamAndServfailsWhenAllFail) {
  std::atomic<int> seen{0};
  start_upstream(seen);
  // 127.0.0.2:5353 has nobody (ICMP refused → next); 127.0.0.1:5353 answers NXDOMAIN.
  ASSERT_TRUE(server_->set_host(up_.fd(kNsNet), {{*IpAddr::parse("127.0.0.2"), 5353}, {*IpAddr::parse("127.0.0.1"), 5353}}));
  auto r = ask_udp(make_query("example.test", kTypeA));
  EXPECT_EQ(rcode_of(r), 3);
  EXPECT_EQ(seen.load(), 1);
  ASSERT_TRUE(server_->set_host(up_.fd(kNsNet), {{*IpAddr::parse("192.0.2.1"), 53}}));
  auto t0 = std::chrono::steady_clock::now();
  r = ask_udp(make_query("example.test", kTypeA), 2000);
  EXPECT_EQ(rcode_of(r), 2);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
}

// Docker keeps the host's upstreams a container's sandbox was built with: a container's
// own list wins over the host's current one, and set_host no longer moves it.
TEST_F(DnsServerKernelTest, AContainersSnapshotOfTheHostsUpstreamsWinsOverTheHostsList) {
  std::atomic<int> seen{0};
  start_upstream(seen);
  // The host's list names nobody; the container's snapshot names the answering upstream.
  ASSERT_TRUE(server_->set_host(up_.fd(kNsNet), {{*IpAddr::parse("127.0.0.2"), 5353}}));
  server_->set_container_host("web", {{*IpAddr::parse("127.0.0.1"), 5353}});
  EXPECT_EQ(rcode_of(ask_udp(make_query("example.test", kTypeA))), 3);
  EXPECT_EQ(seen.load(), 1);
  // A new host list does not reach it; a new snapshot does.
  ASSERT_TRUE(server_->set_host(up_.fd(kNsNet), {{*IpAddr::parse("127.0.0.1"), 5353}}));
  server_->set_container_host("web", {{*IpAddr::parse("127.0.0.2"), 5353}});
  EXPECT_EQ(rcode_of(ask_udp(make_query("example.test", kTypeA))), 2);  // nobody there: SERVFAIL
  EXPECT_EQ(seen.load(), 1);
  // A container never served is a no-op.
  server_->set_container_host("nosuch", {});
  // add_container takes the snapshot in the same step, and it wins as well.
  ASSERT_TRUE(server_->set_host(up_.fd(kNsNet), {{*IpAddr::parse("127.0.0.2"), 5353}}));
  server_->remove_container("web");  // its sockets hold port 53
  ASSERT_TRUE(server_->add_container("web", ctr_.fd(kNsNet), {}, std::vector<Upstream>{{*IpAddr::parse("127.0.0.1"), 5353}}));
  EXPECT_EQ(rcode_of(ask_udp(make_query("example.test", kTypeA))), 3);
  EXPECT_EQ(seen.load(), 2);
}

TEST_F(DnsServerKernelTest, GarbageNeverHurtsOtherClients) {
  std::mt19937 rng(42);
  std::vector<std::vector<uint8_t>> corpus;
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> g(rng() % 600);
    for (auto& b : g) b = static_cast<uint8_t>(rng());
    corpus.push_back(g);
  }
  auto q = make_query("web", kTypeA);
  corpus.emplace_back(q.begin(), q.begin() + 7);      // truncated header
  auto zero = q; zero[5] = 0; corpus.push_back(zero);  // no question
  auto many = q; many[5] = 200; corpus.push_back(many);
  std::vector<uint8_t> loop(q.begin(), q.begin() + 12);
  loop.insert(loop.end(), {0xc0, 0x0c, 0, 1, 0, 1});   // a name pointing at itself
  corpus.push_back(loop);
  std::vector<uint8_t> big(q.begin(), q.begin() + 12);
  big.push_back(100);                                  // a 100-byte label (max 63)
  big.insert(big.end(), 100, 'a');
  big.insert(big.end(), {0, 0, 1, 0, 1});
  corpus.push_back(big);
  auto fd = dial_in(ctr_.fd(kNsNet), SOCK_DGRAM, kServer, 53);
  for (auto& g : corpus) ::send(fd->get(), g.data(), g.size(), 0);
  // TCP clients that send a length and stop, and one that sends garbage.
  std::vector<UniqueFd> stalled;
  for (int i = 0; i < 20; ++i) {
    auto t = dial_in(ctr_.fd(kNsNet), SOCK_STREAM, kServer, 53);
    ASSERT_TRUE(t);
    pollfd p{t->get(), POLLOUT, 0};
    ::poll(&p, 1, 1000);
    uint8_t len[2] = {0x10, 0};
    ::send(t->get(), len, 2, 0);
    stalled.push_back(std::move(*t));
  }
  auto t0 = std::chrono::steady_clock::now();
  auto r = ask_udp(q);
  EXPECT_EQ(ancount_of(r), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms);
}

// A server on `port` allowing one forwarded query at a time, whose host upstream is a
// bound socket that never answers.
struct OneSlot {
  std::unique_ptr<Server> server;
  UniqueFd silent, client;
};

OneSlot one_slot(const Namespaces& ctr, const Namespaces& up, uint16_t port, std::chrono::milliseconds upstream_timeout,
                 std::chrono::milliseconds slot_wait) {
  OneSlot o;
  o.server = std::move(*Server::start({.upstream_timeout = upstream_timeout, .max_in_flight = 1, .slot_wait = slot_wait,
                                       .tcp_idle = 10000ms, .port = port}));
  o.server->edit_table([](NameTable& t) {
    t.set_network("appnet", false);
    t.put({.name = "web", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.2"), .aliases = {}}}});
  });
  EXPECT_TRUE(o.server->add_container("web", ctr.fd(kNsNet), {}));
  o.silent = std::move(listen_in(up.fd(kNsNet), *IpAddr::parse("127.0.0.1"), port)->udp);
  EXPECT_TRUE(o.server->set_host(up.fd(kNsNet), {{*IpAddr::parse("127.0.0.1"), port}}));
  o.client = std::move(*dial_in(ctr.fd(kNsNet), SOCK_DGRAM, kServer, port));
  for (uint16_t id = 1; id <= 2; ++id) {
    auto q = make_query("example.test", kTypeA, id);
    ::send(o.client.get(), q.data(), q.size(), 0);
  }
  return o;
}

// Docker's resolver waits for a forwarding slot (4 s) before it answers REFUSED.
TEST_F(DnsServerKernelTest, QueryPastTheInFlightBoundWaitsForASlotThenIsRefused) {
  auto t0 = std::chrono::steady_clock::now();
  auto o = one_slot(ctr_, up_, 5300, 10000ms, 400ms);
  EXPECT_TRUE(recv_within(o.client.get(), 250).empty());  // not refused at once
  auto r = recv_within(o.client.get(), 2000);
  ASSERT_GE(r.size(), 12u);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 390ms);
  EXPECT_EQ(r[1], 2);  // the second query's id
  EXPECT_EQ(rcode_of(r), 5);
}

TEST_F(DnsServerKernelTest, WaitingQueryTakesTheSlotFreedByAnotherQuery) {
  auto o = one_slot(ctr_, up_, 5301, 300ms, 5000ms);
  // The first query times out on its only upstream (SERVFAIL); the second then gets the
  // slot, is forwarded and times out too: SERVFAIL, not REFUSED.
  for (uint8_t id = 1; id <= 2; ++id) {
    auto r = recv_within(o.client.get(), 2000);
    ASSERT_GE(r.size(), 12u);
    EXPECT_EQ(r[1], id);
    EXPECT_EQ(rcode_of(r), 2);
  }
}

TEST_F(DnsServerKernelTest, RemovedContainerIsNoLongerServed) {
  server_->remove_container("web");
  EXPECT_FALSE(server_->serving("web"));
  EXPECT_TRUE(ask_udp(make_query("web", kTypeA), 300).empty());
}

}  // namespace
}  // namespace nc::dns
