// `netconform bench dns`: netimpl's embedded DNS server against dnsmasq on the same path.
//
// In a throwaway lab, one "client" namespace (a container's network and mount namespace,
// lo up) is served by netimpl's DNS server (dns::Server, one event loop, as the runtime
// runs it) at 127.0.0.11:53 and by dnsmasq (Debian's, run inside that namespace, never on
// the machine) at 127.0.0.12:53, both answering the local name `target` (A, TTL 600).
// dnsperf (Debian's) runs in the same namespace against each, alternating, at -q 20 and
// -q 100 (queries outstanding), and the bench prints queries per second, average and p99
// latency, lost queries, and the ratios netimpl / dnsmasq. Client and servers share the
// machine's cores, as in the reference figures.
//
// Hook for Docker's embedded DNS (once the Docker adapter can run a container here): add a
// server variant (an address in the client's namespace) to the list in bench_dns.cc.
#pragma once

#include "harness/cli/bench_command.h"

namespace nc::cli {

// Runs inside a lab (the caller's run_in_lab). Prints the table; returns the exit code.
int dns_bench(const BenchOptions& o);

}  // namespace nc::cli
