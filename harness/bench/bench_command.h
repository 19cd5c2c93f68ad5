// `netconform bench`: benchmarks that compare side by side in one run and print medians
// and ratios (absolute times drift on shared machines; ratios within one run do not).
//
//   topology  the topology of a check (a bridge, N containers with veth, address, lo and
//             default route) built through netimpl's netlink path and by forking `ip`, and
//             torn down: netimpl by dropping namespaces, the script by `ip netns del`.
//   ports     a published port (kernel DNAT) against the container's address: connection
//             latency, throughput, and the time to publish a port (bench_ports.h).
//   dns       netimpl's embedded DNS server against dnsmasq under dnsperf (bench_dns.h).
//   checks    every check of the catalogue on netimpl: per-check medians, old waits against
//             new (bench_checks.h).
//   attach    attaching a running container to a user-defined bridge: netimpl, Docker and
//             Podman side by side (bench_attach.h).
#pragma once

#include <string>
#include <vector>

namespace nc::bench {

struct BenchOptions {
  std::string what = "topology";
  int containers = 20;
  int rounds = 5;
  std::string probe_path;
  int connections = 500;  // ports: connections per latency sample
  int bulk_mib = 256;     // ports: MiB per throughput sample
  std::string checks_root;           // checks: holds conformance/ and scenarios/
  std::vector<std::string> filters;  // checks: globs on check IDs; empty: every check
  std::vector<std::string> runtimes;  // dns, ports, attach: compared with netimpl; empty: every one available
  std::string cgroup_parent;  // Docker/Podman containers' (runtimes/cgroup_gc.h); set by bench_command
};

int bench_command(const BenchOptions& o);

}  // namespace nc::bench
