#include "harness/bench/bench_dns.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/bench/bench_stats.h"
#include "harness/runtimes/cli_adapter/cli_runtime.h"
#include "harness/runtimes/registry.h"
#include "netimpl/dns/message.h"
#include "netimpl/dns/resolv_conf.h"
#include "netimpl/dns/server.h"
#include "netimpl/dns/sockets.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/process/process.h"
#include "netimpl/runtime/dns_redirect.h"

namespace nc::bench {
namespace {

constexpr const char* kStateDir = "/run/netconform";  // the lab's tmpfs
constexpr int kSeconds = 2;  // per dnsperf run; o.rounds runs per server and load, interleaved
// A server's throughput is taken from a run without -v: printing a line per answered query
// costs dnsperf more than the fastest servers spend answering (measured: dnsmasq 69k QPS
// with -v, 89k without), so with -v every fast server met the same client-side ceiling and
// the ratios between them shrank towards 1. The latency percentile needs those lines, so a
// shorter -v run of its own gives it.
constexpr int kLatencySeconds = 1;

// A load dnsperf offers. The light one (one client, 20 queries in flight) is for latency;
// the saturating one must offer more than the fastest server can answer, or it measures
// dnsperf: on two cores one dnsperf thread tops out near 130k QPS (most of it the kernel's
// loopback and DNAT work in its sends), below what netimpl answers, so it runs two threads
// with a socket each. Every server meets the same loads.
struct Load {
  int outstanding, threads;
};
constexpr Load kLoads[2] = {{20, 1}, {100, 2}};

struct Perf {
  double qps = 0, avg_ms = 0, p99_ms = 0;
  long lost = 0, sent = 0;
  double cpu_us = -1;  // the server's CPU time per answered query; -1: not measured
};

// CPU seconds (user + system) a process has used, from /proc/<pid>/stat; -1 when unknown.
double process_cpu_seconds(pid_t pid) {
  UniqueFd fd(::open(fmt::format("/proc/{}/stat", pid).c_str(), O_RDONLY | O_CLOEXEC));
  char buf[1024];
  ssize_t n = fd ? ::read(fd.get(), buf, sizeof buf - 1) : -1;
  if (n <= 0) return -1;
  std::string text(buf, static_cast<size_t>(n));
  std::istringstream in(text.substr(text.rfind(')') + 2));
  std::vector<std::string> f{std::istream_iterator<std::string>(in), {}};
  if (f.size() < 13) return -1;
  return (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

Result<void> write_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return sys_fail(fmt::format("write {}", path));
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return sys_fail("write");
  return {};
}

double number_after(const std::string& out, const std::string& label) {
  auto at = out.find(label);
  if (at == std::string::npos) return 0;
  return std::atof(out.c_str() + at + label.size());
}

// dnsperf -v prints "> NOERROR target A 0.000123" per answered query.
Perf parse_dnsperf(const std::string& out) {
  Perf p;
  p.qps = number_after(out, "Queries per second:");
  p.avg_ms = number_after(out, "Average Latency (s):") * 1000;
  p.lost = static_cast<long>(number_after(out, "Queries lost:"));
  p.sent = static_cast<long>(number_after(out, "Queries sent:"));
  std::vector<double> lat;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("> ")) lat.push_back(std::atof(line.c_str() + line.rfind(' ') + 1) * 1000);
  if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    p.p99_ms = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  }
  return p;
}

// One dnsperf run of `seconds`; `verbose` (-v) adds a line per answered query, for p99_ms.
Result<Perf> dnsperf(const Namespaces& client, const std::string& server, Load load, const std::string& queries,
                     int seconds, bool verbose) {
  LaunchSpec spec;
  spec.argv = {"dnsperf", "-s", server, "-d", std::string(kStateDir) + "/" + queries, "-l", std::to_string(seconds),
               "-q", std::to_string(load.outstanding), "-T", std::to_string(load.threads), "-c",
               std::to_string(load.threads)};
  if (verbose) spec.argv.push_back("-v");
  spec.ns = &client;
  auto r = NC_TRY(run(spec, std::chrono::seconds(seconds + 20)));
  if (r.exit_code != 0 && r.err.find("permission") != std::string::npos) return failf("dnsperf: {}", r.err);
  if (r.timed_out || r.exit_code != 0) return failf("dnsperf against {}: exit {}: {}", server, r.exit_code, r.err);
  return parse_dnsperf(r.out);
}

Result<Process> start_dnsmasq(const Namespaces& client) {
  NC_TRY_VOID(write_file(std::string(kStateDir) + "/dns-hosts", "172.18.0.2 target\n2001:db8:6::2 target\n"));
  LaunchSpec spec;
  spec.argv = {"dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--addn-hosts=" + std::string(kStateDir) + "/dns-hosts",
               "--listen-address=127.0.0.12", "--bind-interfaces", "--port=53", "--local-ttl=600", "--user=root",
               "--pid-file=", "--cache-size=1000", "--dns-forward-max=1024"};
  spec.ns = &client;
  spec.capture_stdout = false;
  auto p = NC_TRY(Process::spawn(spec));
  // Ready when it answers: one query through dnsperf would be heavy, so poll the port.
  for (int i = 0; i < 50; ++i) {
    auto probe = client.run([]() -> Result<bool> {
      UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(53);
      sa.sin_addr.s_addr = htonl(0x7f00000c);
      return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0;  // in use: dnsmasq is up
    });
    if (probe && *probe) return p;
    ::usleep(20000);
  }
  return fail("dnsmasq did not start listening on 127.0.0.12:53");
}

// A server under test: where dnsperf runs (a network namespace), which address it asks,
// the query file (A or AAAA for `target`), and the target its ratio row compares with
// (netimpl's row of the same query type; its own index: no ratio row).
struct Target {
  std::string name;
  const Namespaces* ns;
  std::string server;
  std::vector<Perf> runs[2];  // per load (-q 20, -q 100)
  std::function<double()> cpu_seconds = nullptr;  // the server's CPU time so far; null: unknown
  std::string queries = "dns-queries";
  size_t base = 0;
  std::string runtime;  // a foreign server's runtime name ("docker"); empty for the local ones
};

// One measurement of `t`: throughput, mean latency, losses and the server's CPU time per
// answered query (when known) from a quiet run; the 99th percentile from a -v run.
Result<Perf> measure(Target& t, Load load) {
  double before = t.cpu_seconds ? t.cpu_seconds() : -1;
  Perf p = NC_TRY(dnsperf(*t.ns, t.server, load, t.queries, kSeconds, false));
  double after = t.cpu_seconds ? t.cpu_seconds() : -1;
  long answered = p.sent - p.lost;
  if (before >= 0 && after >= 0 && answered > 0) p.cpu_us = (after - before) * 1e6 / static_cast<double>(answered);
  Perf tail = NC_TRY(dnsperf(*t.ns, t.server, load, t.queries, kLatencySeconds, true));
  p.p99_ms = tail.p99_ms;
  p.lost += tail.lost, p.sent += tail.sent;
  return p;
}

// Docker's (or Podman's) embedded DNS on the same path: a private daemon in a lab host of
// its own (runtimes/hosted.h, as the checks use), a user-defined network with the name
// `target` and a `client` container; dnsperf runs from the host side inside the client
// container's network namespace (its image is the static probe alone) against 127.0.0.11
// (Docker: DNATed in the container's own nat table to the daemon's resolver) or the
// network's gateway (aardvark-dns).
struct Foreign {
  std::unique_ptr<runtimes::RuntimeUnderTest> owner;  // declared first: destroyed last
  std::string runtime, label;
  Namespaces client;
  std::string server;
  std::string queries;  // its query file in kStateDir: `target` under the name it answers
};

// True when `server` (port 53, seen from `ns`) answers an A query for `name` with at least
// one record within a second.
Result<bool> answers(const Namespaces& ns, const std::string& server, const std::string& name) {
  auto ip = IpAddr::parse(server);
  if (!ip) return failf("{}: not an address", server);
  auto reply = NC_TRY(dns::ask_once(ns.fd(kNsNet), *ip, 53, dns::build_query(name, dns::kTypeA, 0x4e43),
                                    std::chrono::seconds(1)));
  return dns::reply_rcode(reply) == dns::kNoError && dns::reply_answer_count(reply) > 0;
}

// The name under which a runtime's server answers for the container `target` itself: the
// bare name or the name in one of the search domains the client container's resolv.conf
// gives, the first that gets an answer (Docker's and Podman's answer the bare name; Podman's
// also target.dns.podman). A server that answers none is not measured, with the names it
// was asked, rather than given a row of timeouts: a bare name it does not know would go
// to the lab's upstream, which never answers.
Result<std::string> local_name(const Foreign& f, pid_t client_pid) {
  std::ifstream in(fmt::format("/proc/{}/root/etc/resolv.conf", client_pid));
  std::string text{std::istreambuf_iterator<char>(in), {}};
  std::vector<std::string> names = {"target"};
  for (auto& domain : dns::parse_resolv_conf(text).search) names.push_back("target." + domain);
  for (auto& name : names)
    if (NC_TRY(answers(f.client, f.server, name))) return name;
  return failf("{} answers none of {} from the client container", f.server, fmt::join(names, ", "));
}

Result<Foreign> start_foreign(const std::string& runtime, const BenchOptions& o) {
  Foreign f;
  f.owner = NC_TRY(runtimes::make_runtime_under_test(runtime, {.probe_path = o.probe_path, .cgroup_parent = o.cgroup_parent}));
  api::Runtime& rt = *NC_TRY(f.owner->acquire({})).runtime;
  f.runtime = runtime;
  f.label = fmt::format("{} {}", runtime, rt.version());
  auto net = NC_TRY(rt.create_network({.name = "benchnet"}));
  for (const char* name : {"target", "client"})
    NC_TRY_VOID(rt.create_container({.name = name, .networks = {{.network = "benchnet", .aliases = {}, .ip = {}}}}));
  auto* cli = dynamic_cast<runtimes::CliRuntime*>(&rt);
  if (!cli) return fail("not a CLI runtime");
  std::string pid = runtimes::trim(NC_TRY(cli->cli().out({"inspect", "--format", "{{.State.Pid}}", "client"})));
  f.client = NC_TRY(Namespaces::of_pid(runtime + " client", std::stoi(pid), kNsNet));
  if (f.owner->family() == "docker") f.server = "127.0.0.11";
  else if (net.gateway) f.server = net.gateway->str();
  else return fail("network benchnet has no gateway for aardvark-dns");
  std::string name = NC_TRY(local_name(f, std::stoi(pid)));
  f.queries = "dns-queries-" + runtime;
  NC_TRY_VOID(write_file(std::string(kStateDir) + "/" + f.queries, name + " A\n"));
  if (name != "target") fmt::print("  {}: asked for {}, the name its server answers itself\n", f.label, name);
  return f;
}

void print_row(int q, std::string_view name, const Perf& p) {
  std::string cpu = p.cpu_us < 0 ? "-" : fmt::format("{:.2f}", p.cpu_us);
  fmt::print("  {:<6} {:<34} {:>10.0f} {:>9.3f} {:>9.3f} {:>6} {:>10}\n", q, name, p.qps, p.avg_ms, p.p99_ms, p.lost, cpu);
}

void print_ratio(int q, const std::string& name, const Perf& a, const Perf& b) {
  if (b.qps <= 0) {  // a server that answered nothing has no ratio, only its lost count
    fmt::print("  {:<6} {:<34} {:>10}\n", q, name, "no answers");
    return;
  }
  std::string cpu = a.cpu_us < 0 || b.cpu_us <= 0 ? "-" : fmt::format("{:.2f}x", a.cpu_us / b.cpu_us);
  fmt::print("  {:<6} {:<34} {:>9.2f}x {:>8.2f}x {:>8.2f}x {:>6} {:>10}\n", q, name, a.qps / std::max(b.qps, 1.0),
             a.avg_ms / std::max(b.avg_ms, 1e-9), a.p99_ms / std::max(b.p99_ms, 1e-9), "", cpu);
}

// The median of each figure over the runs (each taken separately); lost queries summed.
Perf median_of(std::vector<Perf> runs) {
  auto med = [&](auto field) {
    std::vector<double> v;
    for (auto& r : runs) v.push_back(r.*field);
    return median(std::move(v));
  };
  Perf out{.qps = med(&Perf::qps), .avg_ms = med(&Perf::avg_ms), .p99_ms = med(&Perf::p99_ms), .lost = 0, .sent = 0,
           .cpu_us = med(&Perf::cpu_us)};
  for (auto& r : runs) out.lost += r.lost, out.sent += r.sent;
  return out;
}

void fill_table(dns::NameTable& t) {
  t.set_network("appnet", false);
  t.put({.name = "target", .hostname = "", .short_id = "",
         .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.2"), .aliases = {}},
                       {.network = "appnet", .ip = *IpAddr::parse("2001:db8:6::2"), .aliases = {}}}});
  t.put({.name = "client", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.3"), .aliases = {}}}});
}

Result<int> run_bench(const BenchOptions& o) {
  auto client = NC_TRY(Namespaces::create("client", kNsNet | kNsMnt));
  NC_TRY_VOID(NC_TRY(netlink::Rtnl::open(client)).set_up("lo"));
  // As netimpl's runtime serves a container (runtime/dns_glue.h): ephemeral ports, and
  // 127.0.0.11:53 DNATed to them, so every query pays for the NAT as Docker's do.
  auto server = NC_TRY(dns::Server::start({.port = 0}));
  server->edit_table(fill_table);
  auto redirect = NC_TRY(runtime::redirect_dns(client, NC_TRY(server->add_container("client", client.fd(kNsNet), {}))));
  // The same server without its answer cache (every answer through ldns), for the before/after.
  auto client2 = NC_TRY(Namespaces::create("client2", kNsNet | kNsMnt));
  NC_TRY_VOID(NC_TRY(netlink::Rtnl::open(client2)).set_up("lo"));
  auto uncached = NC_TRY(dns::Server::start({.port = 0, .answer_cache = false}));
  uncached->edit_table(fill_table);
  auto redirect2 = NC_TRY(runtime::redirect_dns(client2, NC_TRY(uncached->add_container("client", client2.fd(kNsNet), {}))));
  NC_TRY_VOID(write_file(std::string(kStateDir) + "/dns-queries", "target A\n"));
  NC_TRY_VOID(write_file(std::string(kStateDir) + "/dns-queries6", "target AAAA\n"));
  auto dnsmasq = NC_TRY(start_dnsmasq(client));
  std::vector<Target> targets = {
      {"netimpl", &client, "127.0.0.11", {}, [&] { return std::chrono::duration<double>(server->cpu_time()).count(); }},
      {"dnsmasq", &client, "127.0.0.12", {}, [&] { return process_cpu_seconds(dnsmasq.pid()); }},
      {"nocache", &client2, "127.0.0.11", {}, [&] { return std::chrono::duration<double>(uncached->cpu_time()).count(); }}};
  std::vector<Foreign> foreign;
  std::vector<std::string> left_out;
  for (auto& rt : NC_TRY(runtimes::comparable_runtimes(o.runtimes, &left_out))) {
    auto f = start_foreign(rt, o);
    if (!f) {
      fmt::print("  {}: not measured: {}\n", rt, f.error().message());
      continue;
    }
    foreign.push_back(std::move(*f));
  }
  for (auto& why : left_out) fmt::print("  {}: not measured\n", why);
  for (auto& f : foreign)
    targets.push_back({.name = f.label, .ns = &f.client, .server = f.server, .queries = f.queries, .runtime = f.runtime});
  // IPv6 rows: the same paths asked for the AAAA record of a dual-stack `target` (the
  // server still listens where Docker's does, 127.0.0.11; the foreign networks here have
  // no IPv6, so they have no AAAA row).
  const size_t six = targets.size();
  auto cpu = targets[0].cpu_seconds, dnsmasq_cpu = targets[1].cpu_seconds;
  targets.push_back({.name = "netimpl AAAA", .ns = &client, .server = "127.0.0.11", .cpu_seconds = cpu,
                     .queries = "dns-queries6", .base = six});
  targets.push_back({.name = "dnsmasq AAAA", .ns = &client, .server = "127.0.0.12", .cpu_seconds = dnsmasq_cpu,
                     .queries = "dns-queries6", .base = six});
  int rounds = std::max(1, o.rounds);
  for (int r = 0; r < rounds; ++r)
    for (int l = 0; l < 2; ++l)
      for (auto& t : targets) t.runs[l].push_back(NC_TRY(measure(t, kLoads[l])));
  fmt::print("\ndns: dnsperf in the client's network namespace (-q 20: one thread; -q 100: {} threads, a socket "
             "each), {} interleaved runs per server and load, medians (lost: summed); QPS, avg and cpu us/q (the "
             "server's own CPU time per answered query) from -l {} without -v, p99 from -l {} with -v\n",
             kLoads[1].threads, rounds, kSeconds, kLatencySeconds);
  fmt::print("  {:<6} {:<34} {:>10} {:>9} {:>9} {:>6} {:>10}\n", "-q", "server", "QPS", "avg ms", "p99 ms", "lost",
             "cpu us/q");
  std::vector<Perf> med;
  for (int l = 0; l < 2; ++l) {
    med.clear();
    for (auto& t : targets) {
      med.push_back(median_of(t.runs[l]));
      print_row(kLoads[l].outstanding, t.name, med.back());
    }
    for (size_t i = 0; i < targets.size(); ++i)
      if (i != targets[i].base)
        print_ratio(kLoads[l].outstanding, targets[targets[i].base].name + "/" + targets[i].name, med[targets[i].base],
                    med[i]);
  }
  // The targets, judged at the saturating load (med holds its medians now).
  auto judge = [&](std::string_view what, size_t i, double want) {
    if (med[i].qps <= 0)
      return fmt::print("  target: netimpl/{} QPS at -q {} >= {:.1f}x: not judged, {} answered nothing\n", what,
                        kLoads[1].outstanding, want, what);
    double got = med[0].qps / med[i].qps;
    fmt::print("  target: netimpl/{} QPS at -q {} >= {:.1f}x: {:.2f}x, {}\n", what, kLoads[1].outstanding, want, got,
               got >= want ? "met" : "not met");
  };
  judge("dnsmasq", 1, 1.5);
  auto docker = std::find_if(targets.begin(), targets.end(), [](const Target& t) { return t.runtime == "docker"; });
  if (docker != targets.end()) judge(docker->name, static_cast<size_t>(docker - targets.begin()), 3.0);
  else fmt::print("  target: netimpl/docker QPS >= 3.0x: docker not measured\n");
  long lost = 0;
  for (size_t i = 0; i < targets.size(); ++i)
    if (targets[i].runtime.empty()) lost += med[i].lost;
  fmt::print("  target: no loss from netimpl, nocache and dnsmasq at -q {}: {} lost, {}\n", kLoads[1].outstanding,
             lost, lost == 0 ? "met" : "not met");
  return 0;
}

}  // namespace

int dns_bench(const BenchOptions& o) {
  auto r = run_bench(o);
  if (!r) {
    fmt::print(stderr, "netconform bench dns: {}\n", r.error().message());
    return 1;
  }
  return *r;
}

}  // namespace nc::bench
