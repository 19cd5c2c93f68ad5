// `netconform bench ports`: what a published port costs, side by side in one run.
//
// In a throwaway lab (LabHost: host 203.0.113.10, external 203.0.113.100) netimpl publishes
// a container's ports 8080:80 (request/response) and 8081:81 (bulk sink). From the
// external namespace the bench measures, alternating the variants every round:
//   latency     connect, one request, one reply, close (per connection; sockets are made
//               beforehand so namespace entry is not timed)
//   throughput  one connection streaming --bulk-mib MiB to a sink that counts them
// for each path:
//   kernel DNAT  host.ip:8080 / :8081 (netimpl's nftables DNAT)
//   direct       the container's address (a route to the bridge subnet via the host is
//                added in the external namespace; no NAT on the path)
// plus the time to publish one port: host port reserved and the rule batch applied
// (portmap + Firewall::apply, a model of the default bridge and one mapping), median.
//
// Hook for other paths (e.g. Docker's docker-proxy once the Docker adapter can run its
// containers here): add a PathVariant to the list in bench_ports.cc; each variant is just
// an address and the two ports, measured by the same code.
#pragma once

#include "harness/cli/bench_command.h"

namespace nc::cli {

// Runs inside a lab (the caller's run_in_lab). Prints the table; returns the exit code.
int ports_bench(const BenchOptions& o);

}  // namespace nc::cli
