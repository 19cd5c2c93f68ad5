// `netconform bench ports`: what a published port costs, side by side in one run.
//
// In a throwaway lab (LabHost: host 203.0.113.10, external 203.0.113.100) netimpl publishes
// a container's ports 8080:80 (request/response) and 8081:81 (bulk sink). From a client
// namespace (below) the bench measures, alternating the variants every round:
//   latency     connect, one request, one reply, close (per connection; sockets are made
//               beforehand so namespace entry is not timed)
//   throughput  one connection streaming --bulk-mib MiB to a sink that counts them
// for each path:
//   direct            the container's address (a route to the bridge subnet via the host is
//                     added in the external namespace; no NAT on the path)
//   kernel DNAT       host.ip:8080 / :8081 (netimpl's nftables DNAT)
//   kernel DNAT (lo)  from the host itself to 127.0.0.1:8080 (route_localnet + masquerade)
//   docker-proxy      Docker 20.10 (the docker adapter's private dockerd in a lab host of
//                     its own, userland proxy on, its default): the host to 127.0.0.1:8080,
//                     which only docker-proxy serves
//   docker DNAT       the same daemon, external client to host.ip:8080 (iptables DNAT)
//   podman DNAT       Podman (rootful, netavark), external client to host.ip:8080
// The servers are the same code on every path: threads of this process listening inside
// the container's network namespace (for Docker and Podman, the namespace of the
// container's PID). A runtime that cannot start here is reported and left out.
// Plus the time to publish one port: host port reserved and the rule batch applied
// (portmap + Firewall::apply, a model of the default bridge and one mapping), median.
#pragma once

#include "harness/bench/bench_command.h"

namespace nc::bench {

// Runs inside a lab (the caller's run_in_lab). Prints the table; returns the exit code.
int ports_bench(const BenchOptions& o);

}  // namespace nc::bench
