// Kernel tests of the built probe binary: each runs it as a child that joins a fresh
// network namespace. Needs root (namespaces, veth); skips with the reason otherwise.
//
// The "timeout" case needs a destination that swallows a SYN without any answer. In the
// test namespace, 198.51.100.0/24 is routed into veth nc-p0, whose peer nc-p1 (also in
// the namespace, no address) is up; 198.51.100.2 has a permanent neighbour entry with a
// MAC nobody owns. The SYN leaves at once (no ARP wait), nc-p1 receives a frame for
// another host and drops it: no RST, no ICMP, a true timeout. Without the static entry
// (198.51.100.3) ARP fails instead and the kernel reports EHOSTUNREACH through SO_ERROR:
// "unreachable" (made fast by one ARP probe of 100 ms).
#include <elf.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/probe/io.h"
#include "harness/probe/output.h"
#include "harness/probe/target.h"
#include "harness/probe/test_child.h"
#include "netimpl/ns/namespaces.h"

namespace nc::probe {
namespace {

using testing::Child;
using testing::Ran;
using nlohmann::json;

const std::string kProbe = PROBE_PATH;

json parse(const std::string& line) { return json::parse(line, nullptr, false); }

class ProbeKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto ns = Namespaces::create("probe-test", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    ns_ = std::move(*ns);
    ip({"link", "set", "lo", "up"});
  }

  int netns() const { return ns_.fd(kNsNet); }

  void ip(std::vector<std::string> args) {
    args.insert(args.begin(), "ip");
    Ran r = testing::run(netns(), args);
    ASSERT_EQ(r.status, 0) << "ip failed: " << r.err;
  }
  void sh(const std::string& script) {
    Ran r = testing::run(netns(), {"sh", "-c", script});
    ASSERT_EQ(r.status, 0) << script << ": " << r.err;
  }

  // Runs the probe in the namespace to completion; its JSON line.
  json probe(std::vector<std::string> args, int expect_status = 0) {
    args.insert(args.begin(), kProbe);
    Ran r = testing::run(netns(), args);
    EXPECT_EQ(r.status, expect_status) << r.out << r.err;
    json j = parse(r.out);
    EXPECT_TRUE(j.is_object()) << "not one JSON object: " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    return j;
  }

  // Starts `serve` and waits for its readiness line; the bound URLs.
  std::vector<std::string> serve(Child& c, std::vector<std::string> args) {
    args.insert(args.begin(), {kProbe, "serve"});
    c = Child::start(netns(), args);
    json ready = parse(c.read_line(5000));
    EXPECT_EQ(ready["outcome"], "ok") << ready.dump();
    return ready.value("listen", std::vector<std::string>{});
  }

  // The veth whose far side swallows traffic (see the file comment).
  void add_black_hole() {
    ip({"link", "add", "nc-p0", "type", "veth", "peer", "name", "nc-p1"});
    ip({"link", "set", "nc-p0", "up"});
    ip({"link", "set", "nc-p1", "up"});
    ip({"addr", "add", "198.51.100.1/24", "dev", "nc-p0"});
    ip({"neigh", "add", "198.51.100.2", "lladdr", "02:00:00:00:00:02", "dev", "nc-p0", "nud", "permanent"});
  }

  Namespaces ns_;
};

TEST_F(ProbeKernel, ServeAnswersTcpAndUdpWithThePeerAddress) {
  Child server;
  auto urls = serve(server, {"tcp://127.0.0.1:0", "udp://127.0.0.1:0", "--reply", "hello"});
  ASSERT_EQ(urls.size(), 2u);
  ASSERT_TRUE(urls[0].starts_with("tcp://127.0.0.1:")) << urls[0];
  ASSERT_TRUE(urls[1].starts_with("udp://127.0.0.1:")) << urls[1];
  for (const std::string& url : urls) {
    json j = probe({"connect", url, "--send", "ping"});
    EXPECT_EQ(j["outcome"], "ok") << j.dump();
    EXPECT_EQ(j["target"], url);
    ASSERT_TRUE(j["server"].is_object()) << j.dump();
    EXPECT_EQ(j["server"]["peer"], j["local"]) << j.dump();
    EXPECT_TRUE(std::string(j["local"]).starts_with("127.0.0.1:"));
    EXPECT_EQ(j["server"]["local"], url.substr(6));
    EXPECT_EQ(j["server"]["reply"], "hello");
    EXPECT_GT(j["duration_ms"].get<double>(), 0.0);
  }
}

TEST_F(ProbeKernel, ServeAnswersIpv6) {
  Child server;
  auto urls = serve(server, {"tcp://[::1]:0", "udp://[::1]:0"});
  ASSERT_EQ(urls.size(), 2u);
  for (const std::string& url : urls) {
    json j = probe({"connect", url});
    EXPECT_EQ(j["outcome"], "ok") << j.dump();
    EXPECT_TRUE(std::string(j["server"]["peer"]).starts_with("[::1]:")) << j.dump();
    EXPECT_FALSE(j["server"].contains("reply"));
  }
}

// A client that dials 127.0.0.2 sends from 127.0.0.1 (lo's route says src 127.0.0.1).
// A wildcard UDP server must answer from 127.0.0.2, the address the datagram was sent
// to, or the client's connected socket drops the reply (and NAT would not match it).
TEST_F(ProbeKernel, WildcardUdpServerAnswersFromTheAddressDialled) {
  Child server;
  auto urls = serve(server, {"udp://0.0.0.0:0"});
  ASSERT_EQ(urls.size(), 1u);
  std::string port = urls[0].substr(urls[0].rfind(':') + 1);
  json j = probe({"connect", "udp://127.0.0.2:" + port, "--timeout-ms", "1000"});
  EXPECT_EQ(j["outcome"], "ok") << j.dump();
  EXPECT_EQ(j["server"]["local"], "127.0.0.2:" + port) << j.dump();
  EXPECT_EQ(j["server"]["peer"], j["local"]);
}

// --source-port: two runs send from the same port (one conntrack flow), as the server sees.
TEST_F(ProbeKernel, UdpSourcePortIsTheSameForEveryRun) {
  Child server;
  auto urls = serve(server, {"udp://127.0.0.1:0"});
  ASSERT_EQ(urls.size(), 1u);
  for (int i = 0; i < 2; ++i) {
    json j = probe({"connect", urls[0], "--timeout-ms", "1000", "--source-port", "40514"});
    EXPECT_EQ(j["outcome"], "ok") << j.dump();
    EXPECT_EQ(j["server"]["peer"], "127.0.0.1:40514") << j.dump();
  }
}

TEST_F(ProbeKernel, ClosedPortsAreRefused) {
  for (const char* url : {"tcp://127.0.0.1:1", "udp://127.0.0.1:1"}) {
    json j = probe({"connect", url});
    EXPECT_EQ(j["outcome"], "refused") << j.dump();
    EXPECT_EQ(j["error"], "Connection refused");
  }
}

TEST_F(ProbeKernel, NoRouteIsUnreachable) {
  for (const char* url : {"tcp://203.0.113.77:80", "udp://203.0.113.77:53"}) {
    json j = probe({"connect", url});
    EXPECT_EQ(j["outcome"], "unreachable") << j.dump();
    EXPECT_EQ(j["error"], "Network is unreachable");
  }
  json p = probe({"ping", "203.0.113.77"});
  EXPECT_EQ(p["outcome"], "unreachable") << p.dump();
}

TEST_F(ProbeKernel, SwallowedSynIsATimeout) {
  add_black_hole();
  json j = probe({"connect", "tcp://198.51.100.2:80", "--timeout-ms", "300"});
  EXPECT_EQ(j["outcome"], "timeout") << j.dump();
  EXPECT_GE(j["duration_ms"].get<double>(), 300.0);
  EXPECT_LT(j["duration_ms"].get<double>(), 1500.0);
  EXPECT_FALSE(j.contains("error"));
  EXPECT_EQ(probe({"connect", "udp://198.51.100.2:53", "--timeout-ms", "200"})["outcome"], "timeout");
  EXPECT_EQ(probe({"ping", "198.51.100.2", "--timeout-ms", "200"})["outcome"], "timeout");
}

TEST_F(ProbeKernel, FailedArpIsUnreachableThroughSoError) {
  add_black_hole();
  sh("echo 1 > /proc/sys/net/ipv4/neigh/nc-p0/mcast_solicit && "
     "echo 100 > /proc/sys/net/ipv4/neigh/nc-p0/retrans_time_ms");
  json j = probe({"connect", "tcp://198.51.100.3:80", "--timeout-ms", "3000"});
  EXPECT_EQ(j["outcome"], "unreachable") << j.dump();
  EXPECT_EQ(j["error"], "No route to host");
}

// A listener made in the namespace and driven from this thread: what a server does
// after accept decides the outcome.
class FakeServer {
 public:
  explicit FakeServer(const Namespaces& ns) {
    auto fd = ns.run([]() -> Result<int> { return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); });
    fd_ = UniqueFd(*fd);
    sockaddr_in a{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}};
    socklen_t len = sizeof a;
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_.get(), 8);
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    url_ = "tcp://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  }
  const std::string& url() const { return url_; }
  UniqueFd accept() { return UniqueFd(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC)); }

 private:
  UniqueFd fd_;
  std::string url_;
};

TEST_F(ProbeKernel, CloseWithoutDataIsEmptyAndAbortIsReset) {
  FakeServer server(ns_);
  {
    Child c = Child::start(netns(), {kProbe, "connect", server.url()});
    server.accept();  // closed at once: FIN, no data
    json j = parse(c.read_line(5000));
    EXPECT_EQ(j["outcome"], "empty") << j.dump();
    EXPECT_EQ(c.wait(5000), 0);
  }
  {
    Child c = Child::start(netns(), {kProbe, "connect", server.url()});
    UniqueFd conn = server.accept();
    linger l{.l_onoff = 1, .l_linger = 0};  // close() sends RST
    ::setsockopt(conn.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    conn.reset();
    json j = parse(c.read_line(5000));
    EXPECT_EQ(j["outcome"], "reset") << j.dump();
    EXPECT_EQ(j["error"], "Connection reset by peer");
  }
}

TEST_F(ProbeKernel, QuietServerIsOkAndSilent) {
  FakeServer server(ns_);  // the kernel completes the handshake; nobody ever writes
  json j = probe({"connect", server.url(), "--timeout-ms", "200"});
  EXPECT_EQ(j["outcome"], "ok") << j.dump();
  EXPECT_EQ(j["silent"], true);
  EXPECT_FALSE(j.contains("reply"));
}

TEST_F(ProbeKernel, ServeAnswersManyConcurrentClientsWhileOneStalls) {
  Child server;
  auto urls = serve(server, {"tcp://127.0.0.1:0"});
  ASSERT_EQ(urls.size(), 1u);
  auto target = parse_target(urls[0]);
  ASSERT_TRUE(target);
  constexpr int kClients = 200;
  auto answered = ns_.run([&]() -> Result<int> {
    // One client connects and never reads nor closes.
    UniqueFd stall = open_socket(AF_INET, SOCK_STREAM, 0);
    ::connect(stall.get(), target->addr.get(), target->addr.len());
    std::vector<UniqueFd> fds;
    for (int i = 0; i < kClients; ++i) {
      fds.push_back(open_socket(AF_INET, SOCK_STREAM, 0));
      ::connect(fds.back().get(), target->addr.get(), target->addr.len());
    }
    Stopwatch sw;
    int done = 0;
    std::vector<std::string> got(kClients);
    std::vector<bool> finished(kClients);
    while (done < kClients && sw.remaining_ms(10000) > 0) {
      std::vector<pollfd> p;
      for (int i = 0; i < kClients; ++i) p.push_back({fds[i].get(), finished[i] ? short(0) : short(POLLIN), 0});
      if (::poll(p.data(), p.size(), sw.remaining_ms(10000)) <= 0) break;
      for (int i = 0; i < kClients; ++i) {
        if (finished[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[512];
        ssize_t n = ::recv(fds[i].get(), buf, sizeof buf, 0);
        if (n > 0) got[i].append(buf, static_cast<size_t>(n));
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
          finished[i] = true;
          if (json::parse(got[i], nullptr, false).contains("peer")) ++done;
        }
      }
    }
    return done;
  });
  ASSERT_TRUE(answered);
  EXPECT_EQ(*answered, kClients);
}

TEST_F(ProbeKernel, ServeBindClashExitsOne) {
  Child server;
  auto urls = serve(server, {"tcp://127.0.0.1:0"});
  ASSERT_EQ(urls.size(), 1u);
  json j = probe({"serve", urls[0]}, 1);
  EXPECT_EQ(j["outcome"], "error");
  EXPECT_EQ(j["error"], "bind " + urls[0] + ": Address already in use");
}

TEST_F(ProbeKernel, ListenersShowTheLoopbackBinding) {
  Child server;
  auto urls = serve(server, {"tcp://127.0.0.1:0", "udp://0.0.0.0:0", "tcp://[::1]:0"});
  ASSERT_EQ(urls.size(), 3u);
  json j = probe({"listeners"});
  EXPECT_EQ(j["outcome"], "ok");
  auto has = [&](std::string proto, std::string local, std::string state) {
    for (const auto& s : j["sockets"])
      if (s["proto"] == proto && s["local"] == local && s["state"] == state) return true;
    return false;
  };
  EXPECT_TRUE(has("tcp", urls[0].substr(6), "listen")) << j.dump();
  EXPECT_TRUE(has("udp", urls[1].substr(6), "bound")) << j.dump();
  EXPECT_TRUE(has("tcp", urls[2].substr(6), "listen")) << j.dump();
  EXPECT_EQ(j["sockets"].size(), 3u) << j.dump();
}

TEST_F(ProbeKernel, ReadReportsContentsMissingAndTruncation) {
  json ok = probe({"read", "/proc/self/status"});
  EXPECT_EQ(ok["outcome"], "ok");
  EXPECT_NE(std::string(ok["content"]).find("Name:\tnetconform-prob"), std::string::npos) << ok.dump();
  EXPECT_FALSE(ok.contains("truncated"));
  json missing = probe({"read", "/nonexistent/netconform"});
  EXPECT_EQ(missing["outcome"], "missing");
  char path[] = "/tmp/nc-probe-read-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string big(70000, 'x');
  ASSERT_EQ(::write(fd, big.data(), big.size()), static_cast<ssize_t>(big.size()));
  ::close(fd);
  json t = probe({"read", path});
  ::unlink(path);
  EXPECT_EQ(t["outcome"], "ok");
  EXPECT_EQ(t["truncated"], true);
  EXPECT_EQ(std::string(t["content"]).size(), 64u * 1024);
}

TEST_F(ProbeKernel, InterfacesShowLinksAddressesAndRoutes) {
  add_black_hole();
  json j = probe({"interfaces"});
  EXPECT_EQ(j["outcome"], "ok");
  json lo, veth;
  for (const auto& i : j["interfaces"]) {
    if (i["name"] == "lo") lo = i;
    if (i["name"] == "nc-p0") veth = i;
  }
  ASSERT_TRUE(lo.is_object()) << j.dump();
  EXPECT_EQ(lo["up"], true);
  EXPECT_EQ(lo["mtu"], 65536);
  EXPECT_NE(std::find(lo["addresses"].begin(), lo["addresses"].end(), "127.0.0.1/8"), lo["addresses"].end());
  ASSERT_TRUE(veth.is_object()) << j.dump();
  EXPECT_EQ(veth["mtu"], 1500);
  EXPECT_EQ(veth["addresses"][0], "198.51.100.1/24");
  json route = {{"dst", "198.51.100.0/24"}, {"dev", "nc-p0"}};
  EXPECT_NE(std::find(j["routes"].begin(), j["routes"].end(), route), j["routes"].end()) << j["routes"].dump();
}

TEST_F(ProbeKernel, PingFallsBackToARawSocketAndPrefersDatagram) {
  // A fresh netns allows ping sockets to no group: root falls back to a raw socket.
  json raw = probe({"ping", "127.0.0.1"});
  EXPECT_EQ(raw["outcome"], "ok") << raw.dump();
  EXPECT_EQ(raw["socket"], "raw");
  json raw6 = probe({"ping", "::1"});
  EXPECT_EQ(raw6["outcome"], "ok") << raw6.dump();
  sh("echo 0 2147483647 > /proc/sys/net/ipv4/ping_group_range");
  json dgram = probe({"ping", "127.0.0.1"});
  EXPECT_EQ(dgram["outcome"], "ok") << dgram.dump();
  EXPECT_EQ(dgram["socket"], "dgram");
  EXPECT_EQ(probe({"ping", "::1"})["socket"], "dgram");
}

TEST_F(ProbeKernel, TerminationSignalsEndServeAndIdlePromptly) {
  for (int sig : {SIGTERM, SIGINT}) {
    Child server;
    serve(server, {"tcp://127.0.0.1:0"});
    Stopwatch sw;
    server.signal(sig);
    EXPECT_EQ(server.wait(2000), 0);
    EXPECT_LT(sw.elapsed_ms(), 500.0);
    Child idle = Child::start(netns(), {kProbe, "idle"});
    EXPECT_EQ(parse(idle.read_line(5000)), json::parse(R"({"action":"idle","outcome":"ok"})"));
    idle.signal(sig);
    EXPECT_EQ(idle.wait(2000), 0);
  }
}

TEST_F(ProbeKernel, UsageErrorsExitTwoAndNameTheProblem) {
  struct Case {
    std::vector<std::string> args;
    std::string words;
  } cases[] = {
      {{"frobnicate"}, "unknown action 'frobnicate'"},
      {{"connect", "tcp://127.0.0.1:80", "--bogus", "1"}, "unknown option --bogus"},
      {{"connect", "tcp://a b:80"}, "neither a numeric IP address nor a host name"},
      {{"connect", "tcp://127.0.0.1:99999"}, "bad port '99999'"},
      {{"connect", "tcp://1.2.3.999:80"}, "not a numeric IP address"},
      {{"connect", "tcp://:80"}, "missing host"},
      {{"connect"}, "missing argument"},
      {{"connect", "tcp://127.0.0.1:80", "--source-port", "40000"}, "--source-port applies to udp:// only"},
      {{"connect", "udp://127.0.0.1:53", "--source-port", "0"}, "--source-port: expected a whole number from 1 to 65535"},
      {{"ping", "127.0.0.1", "--timeout-ms", "soon"}, "--timeout-ms"},
      {{}, "missing action"},
  };
  for (auto& c : cases) {
    c.args.insert(c.args.begin(), kProbe);
    Ran r = testing::run(netns(), c.args);
    EXPECT_EQ(r.status, 2) << r.out;
    json j = parse(r.out);
    EXPECT_EQ(j["outcome"], "error") << r.out;
    EXPECT_NE(std::string(j.value("error", "")).find(c.words), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("usage: netconform-probe"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  Ran help = testing::run(netns(), {kProbe, "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("netconform-probe connect"), std::string::npos);
}

// Static: no program interpreter (ld.so) and no dynamic section, so it runs in an image
// that holds nothing else.
TEST(ProbeBinary, IsStatic) {
  std::ifstream f(kProbe, std::ios::binary);
  Elf64_Ehdr eh{};
  ASSERT_TRUE(f.read(reinterpret_cast<char*>(&eh), sizeof eh));
  ASSERT_EQ(std::string(reinterpret_cast<char*>(eh.e_ident), 4), "\x7f" "ELF");
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    f.seekg(static_cast<std::streamoff>(eh.e_phoff + static_cast<size_t>(i) * eh.e_phentsize));
    ASSERT_TRUE(f.read(reinterpret_cast<char*>(&ph), sizeof ph));
    EXPECT_NE(ph.p_type, static_cast<uint32_t>(PT_INTERP));
    EXPECT_NE(ph.p_type, static_cast<uint32_t>(PT_DYNAMIC));
  }
  Ran ldd = testing::run(-1, {"ldd", kProbe});
  EXPECT_NE((ldd.out + ldd.err).find("not a dynamic executable"), std::string::npos) << ldd.out << ldd.err;
}

// serve --reply-size / connect --expect-bytes, the large-transfer pair MTU checks use:
// the whole answer arrives → ok; big segments dropped after a small handshake (an MTU
// black hole, made here by an nft rule on lo) → timeout with "received" short of it.
TEST_F(ProbeKernel, LargeReplyIsOkWhenWholeAndTimeoutWhenItStalls) {
  Child server;
  auto urls = serve(server, {"tcp://127.0.0.1:0", "--reply-size", "30000"});
  ASSERT_EQ(urls.size(), 1u);
  json j = probe({"connect", urls[0], "--expect-bytes", "30000"});
  EXPECT_EQ(j["outcome"], "ok") << j.dump().substr(0, 300);
  EXPECT_GE(j["received"].get<size_t>(), 30000u);
  EXPECT_EQ(j["server"]["reply"].get<std::string>().size(), 30000u);
  sh("nft add table inet nc_bh && "
     "nft add chain inet nc_bh out '{ type filter hook output priority 0; }' && "
     "nft add rule inet nc_bh out meta length '>' 1000 drop");
  j = probe({"connect", urls[0], "--expect-bytes", "30000", "--timeout-ms", "1000"});
  EXPECT_EQ(j["outcome"], "timeout") << j.dump().substr(0, 300);
  EXPECT_LT(j.value("received", size_t{0}), 30000u) << j.dump().substr(0, 300);
  j = probe({"connect", urls[0], "--expect-bytes", "0", "--timeout-ms", "1000"});
  EXPECT_EQ(j["outcome"], "ok") << "without --expect-bytes a stalled transfer still connects";
}

}  // namespace
}  // namespace nc::probe
