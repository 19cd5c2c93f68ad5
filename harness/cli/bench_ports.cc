#include "harness/cli/bench_ports.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "harness/lab/topology.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/nft/firewall.h"
#include "netimpl/portmap/allocator.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint16_t kEchoPort = 80, kSinkPort = 81, kEchoHost = 8080, kSinkHost = 8081;

double us_since(Clock::time_point t) { return std::chrono::duration<double, std::micro>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

sockaddr_in addr_of(const IpAddr& a, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr = a.to_in();
  return sa;
}

Result<std::vector<UniqueFd>> sockets_in(const Namespaces& ns, int n) {
  return ns.run([n]() -> Result<std::vector<UniqueFd>> {
    std::vector<UniqueFd> out;
    for (int i = 0; i < n; ++i) {
      UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (!s) return sys_fail("socket");
      out.push_back(std::move(s));
    }
    return out;
  });
}

Result<UniqueFd> listener_in(const Namespaces& ns, uint16_t port) {
  return ns.run([port]() -> Result<UniqueFd> {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int one = 1;
    ::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa = addr_of(IpAddr(), port);
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(s.get(), 512) != 0)
      return sys_fail(fmt::format("listen on port {}", port));
    return s;
  });
}

// The servers in the container: echo (one byte in, one byte out) and sink (count to EOF,
// then one byte). Each runs on its own thread until the listener is shut down.
class Servers {
 public:
  static Result<std::unique_ptr<Servers>> start(const Namespaces& ns) {
    auto s = std::unique_ptr<Servers>(new Servers);
    s->echo_ = NC_TRY(listener_in(ns, kEchoPort));
    s->sink_ = NC_TRY(listener_in(ns, kSinkPort));
    s->threads_.emplace_back([p = s.get()] { p->serve(p->echo_.get(), false); });
    s->threads_.emplace_back([p = s.get()] { p->serve(p->sink_.get(), true); });
    return s;
  }
  ~Servers() {
    ::shutdown(echo_.get(), SHUT_RDWR);
    ::shutdown(sink_.get(), SHUT_RDWR);
    for (auto& t : threads_) t.join();
  }

 private:
  Servers() = default;
  void serve(int listener, bool sink) {
    std::vector<char> buf(1 << 20);
    for (;;) {
      UniqueFd c(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
      if (!c) return;
      ssize_t n;
      if (sink) {
        while ((n = ::recv(c.get(), buf.data(), buf.size(), 0)) > 0) {
        }
      } else {
        n = ::recv(c.get(), buf.data(), 1, 0);
      }
      ::send(c.get(), "k", 1, MSG_NOSIGNAL);
    }
  }
  UniqueFd echo_, sink_;
  std::vector<std::thread> threads_;
};

struct PathVariant {
  std::string name;
  IpAddr addr;
  uint16_t echo_port, sink_port;
};

// Median microseconds per connect + request + reply + close.
Result<double> latency(const Namespaces& client, const PathVariant& v, int n) {
  auto socks = NC_TRY(sockets_in(client, n));
  sockaddr_in sa = addr_of(v.addr, v.echo_port);
  std::vector<double> us;
  char c = 0;
  for (auto& s : socks) {
    auto t = Clock::now();
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail(fmt::format("{}: connect", v.name));
    if (::send(s.get(), "q", 1, MSG_NOSIGNAL) != 1 || ::recv(s.get(), &c, 1, 0) != 1) return sys_fail(fmt::format("{}: exchange", v.name));
    s.reset();
    us.push_back(us_since(t));
  }
  return median(us);
}

// Gbit/s of one stream of `mib` MiB, until the sink acknowledged the end.
Result<double> throughput(const Namespaces& client, const PathVariant& v, int mib) {
  auto socks = NC_TRY(sockets_in(client, 1));
  int s = socks[0].get();
  sockaddr_in sa = addr_of(v.addr, v.sink_port);
  std::vector<char> buf(1 << 20, 'x');
  auto t = Clock::now();
  if (::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail(fmt::format("{}: connect", v.name));
  for (int i = 0; i < mib; ++i)
    for (size_t off = 0; off < buf.size();) {
      ssize_t n = ::send(s, buf.data() + off, buf.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return sys_fail(fmt::format("{}: send", v.name));
      off += static_cast<size_t>(n);
    }
  ::shutdown(s, SHUT_WR);
  char c;
  if (::recv(s, &c, 1, 0) != 1) return sys_fail(fmt::format("{}: wait for the sink", v.name));
  double secs = us_since(t) / 1e6;
  return double(mib) * 8.0 * 1048576.0 / secs / 1e9;
}

// Median milliseconds to publish one port: reserve the host port and apply the batch.
Result<double> publish_time(const Namespaces& host, int n) {
  auto fw = NC_TRY(nft::Firewall::open(host, "netconform-bench"));
  portmap::PortAllocator ports(host);
  nft::FirewallModel base{.bridges = {{"docker0", *Prefix::parse("172.17.0.0/16")}}, .ports = {}};
  NC_TRY_VOID(fw.apply(base));
  api::PortSpec spec{.host_ip = std::nullopt, .host_first = 9090, .host_last = 9090, .container_first = 80,
                     .container_last = 80, .proto = "tcp"};
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    auto b = NC_TRY(ports.reserve("bench", spec));
    nft::FirewallModel m = base;
    m.ports.push_back({"tcp", std::nullopt, b[0].host.port, *IpAddr::parse("172.17.0.2"), 80, "docker0"});
    NC_TRY_VOID(fw.apply(m));
    ms.push_back(us_since(t) / 1000);
    ports.release("bench");
    NC_TRY_VOID(fw.apply(base));
  }
  NC_TRY_VOID(fw.remove());
  return median(ms);
}

struct Figures {
  std::vector<double> lat, gbps;
};

Result<void> run(const BenchOptions& o) {
  auto lab = NC_TRY(lab::LabHost::create({}));
  auto rt = NC_TRY(runtime::NetimplRuntime::create(lab.host(), {.probe_path = o.probe_path, .start_processes = false}));
  auto pub = [](uint16_t h, uint16_t c) {
    return api::PortSpec{.host_ip = std::nullopt, .host_first = h, .host_last = h, .container_first = c,
                         .container_last = c, .proto = "tcp"};
  };
  auto info = NC_TRY(rt->create_container({.name = "srv", .publish = {pub(kEchoHost, kEchoPort), pub(kSinkHost, kSinkPort)}}));
  auto servers = NC_TRY(Servers::start(*rt->container_ns("srv")));
  const IpAddr container = info.endpoints.at(0).ip;
  const IpAddr host_ip = *IpAddr::parse("203.0.113.10");
  auto ext = NC_TRY(netlink::Rtnl::open(lab.external()));
  NC_TRY_VOID_CTX(ext.add_route({.dst = *Prefix::parse("172.17.0.0/16"), .gateway = host_ip, .dev = "eth0"}),
                  "route to the bridge subnet for the direct path");
  // Docker's docker-proxy would be one more entry here (see bench_ports.h).
  std::vector<PathVariant> paths = {{"direct", container, kEchoPort, kSinkPort},
                                    {"kernel DNAT", host_ip, kEchoHost, kSinkHost}};
  std::vector<Figures> fig(paths.size());
  for (int round = 0; round < o.rounds; ++round) {
    for (size_t i = 0; i < paths.size(); ++i) {
      fig[i].lat.push_back(NC_TRY(latency(lab.external(), paths[i], o.connections)));
      fig[i].gbps.push_back(NC_TRY(throughput(lab.external(), paths[i], o.bulk_mib)));
    }
    fmt::print("  round {}: latency direct {:.0f} us, DNAT {:.0f} us; throughput direct {:.2f}, DNAT {:.2f} Gbit/s\n",
               round + 1, fig[0].lat.back(), fig[1].lat.back(), fig[0].gbps.back(), fig[1].gbps.back());
    std::fflush(stdout);
  }
  double publish_ms = NC_TRY(publish_time(lab.host(), 51));
  fmt::print("\nports: {} rounds; latency = median of {} connections (connect, request, reply, close); "
             "throughput = one {} MiB stream\n", o.rounds, o.connections, o.bulk_mib);
  fmt::print("  {:<14} {:>14} {:>16} {:>14} {:>14}\n", "path", "latency (us)", "throughput", "latency ratio", "tput ratio");
  for (size_t i = 0; i < paths.size(); ++i)
    fmt::print("  {:<14} {:>14.0f} {:>10.2f} Gbit/s {:>13.3f}x {:>13.3f}x\n", paths[i].name, median(fig[i].lat),
               median(fig[i].gbps), median(fig[i].lat) / median(fig[0].lat), median(fig[i].gbps) / median(fig[0].gbps));
  fmt::print("  targets: DNAT latency <= 1.15x direct, throughput >= 0.9x direct\n");
  fmt::print("  publish one port (host port reserved + rule batch applied): median {:.3f} ms over 51 (target < 1 ms)\n",
             publish_ms);
  return {};
}

}  // namespace

int ports_bench(const BenchOptions& o) {
  if (auto r = run(o); !r) {
    fmt::print(stderr, "netconform bench ports: {}\n", r.error().message());
    return 1;
  }
  return 0;
}

}  // namespace nc::cli
