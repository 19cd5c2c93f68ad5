#include "harness/bench/bench_ports.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "harness/bench/bench_stats.h"
#include "harness/lab/topology.h"
#include "harness/runtimes/cli_adapter/cli_runtime.h"
#include "harness/runtimes/registry.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/nft/firewall.h"
#include "netimpl/ns/sockets.h"
#include "netimpl/portmap/allocator.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::bench {
namespace {

using Clock = BenchClock;
constexpr uint16_t kEchoPort = 80, kSinkPort = 81, kEchoHost = 8080, kSinkHost = 8081;

double us_since(Clock::time_point t) { return std::chrono::duration<double, std::micro>(Clock::now() - t).count(); }

// The servers in the container: echo (one byte in, one byte out) and sink (count to EOF,
// then one byte), on IPv4 and, with `ipv6`, on IPv6 too. Each listener is served by a
// thread of its own until it is shut down.
class Servers {
 public:
  static Result<std::unique_ptr<Servers>> start(const Namespaces& ns, bool ipv6 = false) {
    auto s = std::unique_ptr<Servers>(new Servers);
    std::vector<int> families{AF_INET};
    if (ipv6) families.push_back(AF_INET6);
    for (int family : families) {
      s->listeners_.push_back({NC_TRY(sockets::tcp_listen(ns, kEchoPort, 512, family)), false});
      s->listeners_.push_back({NC_TRY(sockets::tcp_listen(ns, kSinkPort, 512, family)), true});
    }
    for (auto& l : s->listeners_) s->threads_.emplace_back([p = s.get(), fd = l.fd.get(), sink = l.sink] { p->serve(fd, sink); });
    return s;
  }
  ~Servers() {
    for (auto& l : listeners_) ::shutdown(l.fd.get(), SHUT_RDWR);
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
  struct Listener {
    UniqueFd fd;
    bool sink;
  };
  std::vector<Listener> listeners_;
  std::vector<std::thread> threads_;
};

// One measured path: where the client runs, the address and ports it dials, and the path
// its ratios are taken against (the direct path of its family).
struct PathVariant {
  std::string name;
  const Namespaces* client;
  IpAddr addr;
  uint16_t echo_port, sink_port;
  size_t base = 0;
};

// Median microseconds per connect + request + reply + close.
Result<double> latency(const PathVariant& v, int n) {
  auto socks = NC_TRY(sockets::tcp_sockets(*v.client, n, v.addr.family()));
  socklen_t len = 0;
  sockaddr_storage sa = sockets::any_sockaddr(v.addr, v.echo_port, len);
  std::vector<double> us;
  char c = 0;
  for (auto& s : socks) {
    auto t = Clock::now();
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0) return sys_fail(fmt::format("{}: connect", v.name));
    if (::send(s.get(), "q", 1, MSG_NOSIGNAL) != 1 || ::recv(s.get(), &c, 1, 0) != 1) return sys_fail(fmt::format("{}: exchange", v.name));
    s.reset();
    us.push_back(us_since(t));
  }
  return median(us);
}

// Gbit/s of one stream of `mib` MiB, until the sink acknowledged the end.
Result<double> throughput(const PathVariant& v, int mib) {
  auto socks = NC_TRY(sockets::tcp_sockets(*v.client, 1, v.addr.family()));
  int s = socks[0].get();
  socklen_t len = 0;
  sockaddr_storage sa = sockets::any_sockaddr(v.addr, v.sink_port, len);
  std::vector<char> buf(1 << 20, 'x');
  auto t = Clock::now();
  if (::connect(s, reinterpret_cast<sockaddr*>(&sa), len) != 0) return sys_fail(fmt::format("{}: connect", v.name));
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
                     .container_last = 80, .proto = Proto::kTcp};
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    auto b = NC_TRY(ports.reserve("bench", spec));
    nft::FirewallModel m = base;
    m.ports.push_back({Proto::kTcp, std::nullopt, b[0].host.port, *IpAddr::parse("172.17.0.2"), 80, "docker0"});
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

api::PortSpec tcp_port(uint16_t host, uint16_t container) {
  return api::PortSpec{.host_ip = std::nullopt, .host_first = host, .host_last = host, .container_first = container,
                       .container_last = container, .proto = Proto::kTcp};
}

const IpAddr kHostIp = *IpAddr::parse("203.0.113.10");
const IpAddr kLoopback = *IpAddr::parse("127.0.0.1");

// Docker 20.10 or Podman in a lab host of its own (runtimes/hosted.h, the adapter the
// checks use), one idle container publishing the two ports, and the same servers as
// netimpl's, listening in that container's network namespace.
struct Foreign {
  std::unique_ptr<runtimes::RuntimeUnderTest> owner;  // declared first: destroyed last
  runtimes::Placement at;
  Namespaces container;
  std::unique_ptr<Servers> servers;
};

Result<Foreign> start_foreign(const std::string& runtime, const BenchOptions& o) {
  Foreign f;
  f.owner = NC_TRY(runtimes::make_runtime_under_test(runtime, {.probe_path = o.probe_path, .cgroup_parent = o.cgroup_parent}));
  f.at = NC_TRY(f.owner->acquire({}));
  api::Runtime& rt = *f.at.runtime;
  NC_TRY_VOID(rt.create_container({.name = "srv", .publish = {tcp_port(kEchoHost, kEchoPort), tcp_port(kSinkHost, kSinkPort)}}));
  auto* cli = dynamic_cast<runtimes::CliRuntime*>(&rt);
  if (!cli) return fail("not a CLI runtime");
  std::string pid = runtimes::trim(NC_TRY(cli->cli().out({"inspect", "--format", "{{.State.Pid}}", "srv"})));
  f.container = NC_TRY(Namespaces::of_pid(runtime + " srv", std::stoi(pid), kNsNet));
  f.servers = NC_TRY(Servers::start(f.container));
  return f;
}

// Adds the paths through a foreign runtime, or says why there are none.
void add_foreign(const std::string& runtime, const BenchOptions& o, std::vector<Foreign>& keep,
                 std::vector<PathVariant>& paths) {
  auto f = start_foreign(runtime, o);
  if (!f) {
    fmt::print("  {}: not measured: {}\n", runtime, f.error().message());
    return;
  }
  keep.push_back(std::move(*f));
  const lab::LabHost& lab = *keep.back().at.host;
  std::string family = keep.back().owner->family();
  if (family == "docker") {
    // Docker's default userland proxy: the host's own connections to 127.0.0.1 go through
    // docker-proxy (there is no DNAT for loopback); others are DNATed by iptables.
    paths.push_back({runtime == "docker" ? "docker-proxy" : runtime + " proxy", &lab.host(), kLoopback, kEchoHost, kSinkHost});
  }
  paths.push_back({runtime + " DNAT", &lab.external(), kHostIp, kEchoHost, kSinkHost});
}

const Figures* find(const std::vector<PathVariant>& paths, const std::vector<Figures>& fig, std::string_view name) {
  for (size_t i = 0; i < paths.size(); ++i)
    if (paths[i].name == name) return &fig[i];
  return nullptr;
}

void print_table(const BenchOptions& o, const std::vector<PathVariant>& paths, const std::vector<Figures>& fig,
                 double publish_ms) {
  auto med = [](const std::vector<double>& v) { return median(v); };
  const Figures* proxy = find(paths, fig, "docker-proxy");
  fmt::print("\nports: {} rounds; latency = median of {} connections (connect, request, reply, close); "
             "throughput = one {} MiB stream; ratios against direct of the same family (and docker-proxy)\n", o.rounds,
             o.connections, o.bulk_mib);
  fmt::print("  {:<18} {:<34} {:>12} {:>16} {:>10} {:>10} {:>12}\n", "path", "client -> address", "latency us",
             "throughput", "lat/dir", "tput/dir", "tput/proxy");
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string proxy_ratio = proxy ? fmt::format("{:.3f}x", med(fig[i].gbps) / med(proxy->gbps)) : "-";
    std::string where = fmt::format("{} -> {}", paths[i].client->name(), paths[i].addr);
    const Figures& base = fig[paths[i].base];
    fmt::print("  {:<18} {:<34} {:>12.0f} {:>9.2f} Gbit/s {:>9.3f}x {:>9.3f}x {:>12}\n", paths[i].name, where,
               med(fig[i].lat), med(fig[i].gbps), med(fig[i].lat) / med(base.lat), med(fig[i].gbps) / med(base.gbps),
               proxy_ratio);
  }
  fmt::print("  targets (kernel DNAT): latency <= 1.15x direct, throughput >= 0.9x direct, >= 1.4x docker-proxy\n");
  fmt::print("  publish one port (host port reserved + rule batch applied): median {:.3f} ms over 51 (target < 1 ms)\n",
             publish_ms);
}

Result<void> run(const BenchOptions& o) {
  auto lab = NC_TRY(lab::LabHost::create({}));
  auto rt = NC_TRY(runtime::NetimplRuntime::create(lab.host(), {.probe_path = o.probe_path, .start_processes = false}));
  // The same paths in IPv6 where the lab has it: the container on a dual-stack bridge.
  const bool v6 = lab.ipv6();
  if (!v6) fmt::print("  IPv6 rows: not measured: the lab has no IPv6 (IPv6 disabled in its namespaces)\n");
  NC_TRY_VOID(rt->create_network({.name = "six", .subnet = *Prefix::parse("172.18.0.0/16"), .ipv6 = v6,
                                  .subnet6 = v6 ? Prefix::parse("2001:db8:6::/64").value() : std::optional<Prefix>()}));
  auto info = NC_TRY(rt->create_container({.name = "srv", .networks = {{.network = "six"}},
                                           .publish = {tcp_port(kEchoHost, kEchoPort), tcp_port(kSinkHost, kSinkPort)}}));
  auto servers = NC_TRY(Servers::start(*rt->container_ns("srv"), v6));
  const api::Endpoint& ep = info.endpoints.at(0);
  auto ext = NC_TRY(netlink::Rtnl::open(lab.external()));
  NC_TRY_VOID_CTX(ext.add_route({.dst = *Prefix::parse("172.18.0.0/16"), .gateway = kHostIp, .dev = "eth0"}),
                  "route to the bridge subnet for the direct path");
  std::vector<PathVariant> paths = {{"direct", &lab.external(), ep.ip, kEchoPort, kSinkPort},
                                    {"kernel DNAT", &lab.external(), kHostIp, kEchoHost, kSinkHost},
                                    {"kernel DNAT (lo)", &lab.host(), kLoopback, kEchoHost, kSinkHost}};
  if (v6 && ep.ip6) {
    const IpAddr host6 = *IpAddr::parse(lab::kHostIp6);
    NC_TRY_VOID_CTX(ext.add_route({.dst = *Prefix::parse("2001:db8:6::/64"), .gateway = host6, .dev = "eth0"}),
                    "route to the bridge's IPv6 subnet for the direct IPv6 path");
    size_t base = paths.size();
    paths.push_back({"direct6", &lab.external(), *ep.ip6, kEchoPort, kSinkPort, base});
    paths.push_back({"kernel DNAT6", &lab.external(), host6, kEchoHost, kSinkHost, base});
  }
  std::vector<Foreign> foreign;
  std::vector<std::string> left_out;
  for (auto& name : NC_TRY(runtimes::comparable_runtimes(o.runtimes, &left_out))) add_foreign(name, o, foreign, paths);
  for (auto& why : left_out) fmt::print("  {}: not measured\n", why);
  std::vector<Figures> fig(paths.size());
  for (int round = 0; round < o.rounds; ++round) {
    fmt::print("  round {}:", round + 1);
    for (size_t i = 0; i < paths.size(); ++i) {
      fig[i].lat.push_back(NC_TRY_CTX(latency(paths[i], o.connections), "{}", paths[i].name));
      fig[i].gbps.push_back(NC_TRY_CTX(throughput(paths[i], o.bulk_mib), "{}", paths[i].name));
      fmt::print(" {} {:.0f} us {:.2f} Gbit/s;", paths[i].name, fig[i].lat.back(), fig[i].gbps.back());
    }
    fmt::print("\n");
    std::fflush(stdout);
  }
  double publish_ms = NC_TRY(publish_time(lab.host(), 51));
  print_table(o, paths, fig, publish_ms);
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

}  // namespace nc::bench
