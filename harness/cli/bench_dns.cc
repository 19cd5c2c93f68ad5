#include "harness/cli/bench_dns.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include <fmt/format.h>

#include "netimpl/dns/server.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/process/process.h"

namespace nc::cli {
namespace {

constexpr const char* kStateDir = "/run/netconform";  // the lab's tmpfs
constexpr int kSeconds = 5;

struct Perf {
  double qps = 0, avg_ms = 0, p99_ms = 0;
  long lost = 0, sent = 0;
};

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

Result<Perf> dnsperf(const Namespaces& client, const std::string& server, int outstanding) {
  LaunchSpec spec;
  spec.argv = {"dnsperf", "-s", server, "-d", std::string(kStateDir) + "/dns-queries", "-l", std::to_string(kSeconds),
               "-q", std::to_string(outstanding), "-c", "1", "-v"};
  spec.ns = &client;
  auto r = NC_TRY(run(spec, std::chrono::seconds(kSeconds + 20)));
  if (r.timed_out || r.exit_code != 0) return failf("dnsperf against {}: exit {}: {}", server, r.exit_code, r.err);
  return parse_dnsperf(r.out);
}

Result<Process> start_dnsmasq(const Namespaces& client) {
  NC_TRY_VOID(write_file(std::string(kStateDir) + "/dns-hosts", "172.18.0.2 target\n"));
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

Result<int> run_bench() {
  auto client = NC_TRY(Namespaces::create("client", kNsNet | kNsMnt));
  NC_TRY_VOID(NC_TRY(netlink::Rtnl::open(client)).set_up("lo"));
  auto server = NC_TRY(dns::Server::start({}));
  server->edit_table([](dns::NameTable& t) {
    t.set_network("appnet", false);
    t.put({.name = "target", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.2"), .aliases = {}}}});
    t.put({.name = "client", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.3"), .aliases = {}}}});
  });
  NC_TRY_VOID(server->add_container("client", client.fd(kNsNet), {}));
  NC_TRY_VOID(write_file(std::string(kStateDir) + "/dns-queries", "target A\n"));
  auto dnsmasq = NC_TRY(start_dnsmasq(client));
  fmt::print("\ndns: dnsperf -l {} -c 1 from a container namespace, {} s per run\n", kSeconds, kSeconds);
  fmt::print("  {:<6} {:<16} {:>10} {:>9} {:>9} {:>6}\n", "-q", "server", "QPS", "avg ms", "p99 ms", "lost");
  for (int q : {20, 100}) {
    auto ours = NC_TRY(dnsperf(client, "127.0.0.11", q));
    auto ref = NC_TRY(dnsperf(client, "127.0.0.12", q));
    for (auto& [name, p] : {std::pair{"netimpl", ours}, std::pair{"dnsmasq", ref}})
      fmt::print("  {:<6} {:<16} {:>10.0f} {:>9.3f} {:>9.3f} {:>6}\n", q, name, p.qps, p.avg_ms, p.p99_ms, p.lost);
    fmt::print("  {:<6} {:<16} {:>9.2f}x {:>8.2f}x {:>8.2f}x\n", q, "netimpl/dnsmasq", ours.qps / std::max(ref.qps, 1.0),
               ours.avg_ms / std::max(ref.avg_ms, 1e-9), ours.p99_ms / std::max(ref.p99_ms, 1e-9));
  }
  return 0;
}

}  // namespace

int dns_bench(const BenchOptions&) {
  auto r = run_bench();
  if (!r) {
    fmt::print(stderr, "netconform bench dns: {}\n", r.error().message());
    return 1;
  }
  return *r;
}

}  // namespace nc::cli
