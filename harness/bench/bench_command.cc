#include "harness/bench/bench_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "harness/bench/bench_attach.h"
#include "harness/bench/bench_checks.h"
#include "harness/bench/bench_dns.h"
#include "harness/bench/bench_ports.h"
#include "harness/bench/bench_stats.h"
#include "harness/lab/lab.h"
#include "harness/lab/topology.h"
#include "harness/runtimes/cgroup_gc.h"
#include "harness/runtimes/registry.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/ns/workers.h"
#include "netimpl/process/process.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::bench {
namespace {

using Clock = BenchClock;
constexpr auto ms = ms_between;

struct Round {
  double build_per_container = 0, teardown_per_container = 0;
};

// Container i's address on the benchmarks' bridge 172.18.0.1/16.
std::string bench_address(int i) { return fmt::format("172.18.{}.{}/16", (i + 2) / 256, (i + 2) % 256); }

Result<Round> netimpl_round(const BenchOptions& o) {
  auto host = NC_TRY(lab::LabHost::create({}));
  auto t0 = Clock::now();
  Round r;
  {
    auto rt = NC_TRY(runtime::NetimplRuntime::create(host.host(), {.probe_path = o.probe_path, .start_processes = false}));
    NC_TRY(rt->create_network({.name = "benchnet"}));
    auto t1 = Clock::now();
    for (int i = 0; i < o.containers; ++i)
      NC_TRY(rt->create_container({.name = fmt::format("c{}", i), .networks = {{.network = "benchnet"}}}));
    auto t2 = Clock::now();
    r.build_per_container = ms(t1, t2) / o.containers;
    (void)t0;
    auto t3 = Clock::now();
    rt.reset();  // drops every container's namespaces
    r.teardown_per_container = ms(t3, Clock::now()) / o.containers;
  }
  return r;
}

// The floor under netimpl's figure: only the kernel objects a container on a bridge needs,
// one netlink request each through netimpl's own netlink layer (as make_container and the
// bridge driver issue them), on the same kind of lab host: a network namespace made on a
// thread with `lo` brought up there, a veth pair made with its peer inside, the host end
// on the bridge and up, the address, the peer up, the default route. No mount or UTS
// namespace, no hairpin, no DNS, no IPAM.
Result<Round> bare_netlink_round(const BenchOptions& o) {
  auto host = NC_TRY(lab::LabHost::create({}));
  auto rtnl = NC_TRY(netlink::Rtnl::open(host.host()));
  NC_TRY_VOID(rtnl.create_bridge("br-bench"));
  NC_TRY_VOID(rtnl.add_address("br-bench", *Prefix::parse("172.18.0.1/16")));
  NC_TRY_VOID(rtnl.set_up("br-bench"));
  auto gateway = *IpAddr::parse("172.18.0.1");
  struct Sandbox {
    Namespaces ns;
    std::optional<netlink::Rtnl> rtnl;
  };
  std::vector<Sandbox> boxes(static_cast<size_t>(o.containers));
  auto t1 = Clock::now();
  for (int i = 0; i < o.containers; ++i) {
    auto& b = boxes[static_cast<size_t>(i)];
    auto name = fmt::format("c{}", i);
    b.ns = NC_TRY(Namespaces::create(name, kNsNet, [&]() -> Result<void> {
      b.rtnl = NC_TRY(netlink::Rtnl::open_here(name));
      return b.rtnl->set_up("lo");
    }));
    NC_TRY_VOID(rtnl.create_veth({.name = fmt::format("veth{}", i), .peer = "eth0", .peer_ns = &b.ns, .master = "br-bench", .up = true}));
    NC_TRY_VOID(b.rtnl->add_address("eth0", *Prefix::parse(bench_address(i))));
    NC_TRY_VOID(b.rtnl->set_up("eth0"));
    NC_TRY_VOID(b.rtnl->add_route({.dst = Prefix(IpAddr{}, 0), .gateway = gateway, .dev = "eth0"}));
  }
  auto t2 = Clock::now();
  boxes.clear();  // as netimpl's teardown: the namespaces are closed, the kernel does the rest
  return Round{ms(t1, t2) / o.containers, ms(t2, Clock::now()) / o.containers};
}

Result<void> ip(const lab::LabHost& host, std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  auto r = NC_TRY(run({.argv = args, .ns = &host.host()}, std::chrono::seconds(10)));
  if (r.exit_code != 0) return failf("{}: {}", fmt::join(args, " "), r.err);
  return {};
}

Result<Round> fork_ip_round(const BenchOptions& o) {
  auto host = NC_TRY(lab::LabHost::create({}));
  NC_TRY_VOID(ip(host, {"link", "add", "br-bench", "type", "bridge"}));
  NC_TRY_VOID(ip(host, {"addr", "add", "172.18.0.1/16", "dev", "br-bench"}));
  NC_TRY_VOID(ip(host, {"link", "set", "br-bench", "up"}));
  auto t1 = Clock::now();
  for (int i = 0; i < o.containers; ++i) {
    auto ns = fmt::format("c{}", i), veth = fmt::format("veth{}", i), addr = bench_address(i);
    NC_TRY_VOID(ip(host, {"netns", "add", ns}));
    NC_TRY_VOID(ip(host, {"link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns}));
    NC_TRY_VOID(ip(host, {"link", "set", veth, "master", "br-bench", "up"}));
    NC_TRY_VOID(ip(host, {"-n", ns, "addr", "add", addr, "dev", "eth0"}));
    NC_TRY_VOID(ip(host, {"-n", ns, "link", "set", "eth0", "up"}));
    NC_TRY_VOID(ip(host, {"-n", ns, "link", "set", "lo", "up"}));
    NC_TRY_VOID(ip(host, {"-n", ns, "route", "add", "default", "via", "172.18.0.1"}));
  }
  auto t2 = Clock::now();
  for (int i = 0; i < o.containers; ++i) NC_TRY_VOID(ip(host, {"netns", "del", fmt::format("c{}", i)}));
  return Round{ms(t1, t2) / o.containers, ms(t2, Clock::now()) / o.containers};
}

// Each variant starts on a settled kernel. Closing a namespace only queues its teardown:
// the kernel unregisters its links later, holding the rtnl lock, so a variant that follows
// another at once waits behind that one's teardown in every request (measured: the bare
// requests take 2.7 ms per container right after the last variant, 0.9 ms 300 ms later;
// 300 ms and 1 s of rest give the same figures). A rest, because nothing signals the end of
// the teardown of a namespace that nothing holds any more (the lab host's are among them).
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(300)); }

// netimpl as it was before kept threads (netimpl/ns/workers.h): a new thread for each
// piece of work in a namespace.
Result<Round> netimpl_new_threads_round(const BenchOptions& o) {
  ns_workers::set_kept(false);
  auto r = netimpl_round(o);
  ns_workers::set_kept(true);
  return r;
}

int topology_bench(const BenchOptions& o) {
  std::vector<double> nb, nt, wb, wt, bb, bt, ib, it;
  for (int round = 0; round < o.rounds; ++round) {
    // Alternate the variants so drift hits them alike.
    settle();
    auto a = netimpl_round(o);
    settle();
    auto w = netimpl_new_threads_round(o);
    settle();
    auto f = bare_netlink_round(o);
    settle();
    auto b = fork_ip_round(o);
    for (auto* r : {&a, &w, &f, &b})
      if (!*r) {
        fmt::print(stderr, "netconform bench: {}\n", r->error().message());
        return 1;
      }
    nb.push_back(a->build_per_container);
    nt.push_back(a->teardown_per_container);
    wb.push_back(w->build_per_container);
    wt.push_back(w->teardown_per_container);
    bb.push_back(f->build_per_container);
    bt.push_back(f->teardown_per_container);
    ib.push_back(b->build_per_container);
    it.push_back(b->teardown_per_container);
    fmt::print("  round {}: netimpl {:.2f} ms/container, with a new thread per job {:.2f}, bare netlink {:.2f}, fork ip {:.2f}\n",
               round + 1, nb.back(), wb.back(), bb.back(), ib.back());
  }
  fmt::print("\ntopology: {} containers per round, {} rounds (medians per container)\n", o.containers, o.rounds);
  fmt::print("  {:<26} {:>9} {:>12}\n", "variant", "build", "teardown");
  fmt::print("  {:<26} {:>6.2f} ms {:>9.3f} ms\n", "netimpl (netlink)", median(nb), median(nt));
  fmt::print("  {:<26} {:>6.2f} ms {:>9.3f} ms\n", "netimpl, a thread per job", median(wb), median(wt));
  fmt::print("  {:<26} {:>6.2f} ms {:>9.3f} ms\n", "bare netlink (the floor)", median(bb), median(bt));
  fmt::print("  {:<26} {:>6.2f} ms {:>9.3f} ms\n", "fork ip", median(ib), median(it));
  fmt::print("  ratio netimpl / bare netlink: build {:.3f}x\n", median(nb) / median(bb));
  fmt::print("  ratio netimpl / netimpl with a new thread per job: build {:.3f}x\n", median(nb) / median(wb));
  fmt::print("  ratio netimpl / fork ip: build {:.3f}x, teardown {:.3f}x\n", median(nb) / median(ib), median(nt) / median(it));
  return 0;
}

int run_bench(const BenchOptions& o) {
  if (o.what == "dns") return dns_bench(o);
  if (o.what == "ports") return ports_bench(o);
  if (o.what == "attach") return attach_bench(o);
  if (o.what == "checks") return checks_bench(o);
  return topology_bench(o);
}

}  // namespace

int bench_command(const BenchOptions& in) {
  BenchOptions o = in;
  o.cgroup_parent = runtimes::run_cgroup_name(::getpid());
  if (o.containers < 1 || o.rounds < 1) {
    fmt::print(stderr, "netconform bench: --containers and --rounds must be at least 1\n");
    return 2;
  }
  if (auto named = runtimes::comparable_runtimes(o.runtimes, nullptr); !named) {
    fmt::print(stderr, "netconform bench: {}\n", named.error().message());
    return 2;
  }
  fmt::print("netconform bench {}: running in a throwaway lab\n", o.what);
  std::fflush(stdout);
  auto r = lab::run_in_lab({}, [&] { return run_bench(o); });
  // What a daemon's containers left below our cgroup parent (empty directories).
  pid_t self = ::getpid();
  (void)runtimes::sweep_dead_run_cgroups("/sys/fs/cgroup", [&](pid_t p) { return p != self && runtimes::run_alive(p); });
  if (!r) {
    fmt::print(stderr, "netconform bench: lab: {}\n", r.error().message());
    return 2;
  }
  return *r;
}

}  // namespace nc::bench
