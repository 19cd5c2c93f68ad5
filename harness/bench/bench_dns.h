// `netconform bench dns`: netimpl's embedded DNS server against dnsmasq on the same path.
//
// In a throwaway lab, one "client" namespace (a container's network and mount namespace,
// lo up) is served by netimpl's DNS server (dns::Server, one event loop, as the runtime
// runs it) at 127.0.0.11:53 and by dnsmasq (Debian's, run inside that namespace, never on
// the machine) at 127.0.0.12:53, both answering the local name `target` (A, TTL 600); a
// second namespace is served by the same server without its answer cache ("nocache": every
// answer parsed and built by ldns, the before of the cache).
// Every other runtime's embedded DNS (Docker's, Podman's aardvark-dns; BenchOptions::runtimes
// picks them) is measured on the same path when it can run in the lab (a private daemon, a
// user-defined network, dnsperf in a client container's network namespace, asking for
// `target` under the name that server answers itself); otherwise a line says why not.
// dnsperf (Debian's) runs against each server in turn at two loads — -q 20 from one thread,
// -q 100 from two (one thread on two cores cannot saturate the fastest server) — `rounds`
// times interleaved, and the bench prints the median queries per second, average latency,
// lost queries and the server's CPU time per answered query (netimpl, nocache and dnsmasq:
// the figure the shared cores' noise disturbs least) from runs without -v, p99 latency from
// a shorter -v run, the ratios netimpl / each reference, and the targets judged. Client and
// servers share the machine's cores.
#pragma once

#include "harness/bench/bench_command.h"

namespace nc::bench {

// Runs inside a lab (the caller's run_in_lab). Prints the table; returns the exit code.
int dns_bench(const BenchOptions& o);

}  // namespace nc::bench
