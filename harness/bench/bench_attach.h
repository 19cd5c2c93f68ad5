// `netconform bench attach`: what attaching a container to a network costs, for netimpl,
// Docker and Podman side by side in one run.
//
// Each runtime gets a user-defined bridge "benchnet" and one running container on it,
// which is then disconnected, so that only loopback is left (what `--network none` gives).
// Every round then times, for each runtime in turn (alternating, so drift hits all alike):
//   attach  connect the container to benchnet: veth, address, routes, DNS, firewall, until
//           the runtime's call returns (netimpl: the api call; Docker/Podman: the CLI run of
//           `network connect`, client start-up included, as a user sees it)
//   detach  disconnect it again
// and prints medians and each runtime's ratio to netimpl. Docker and Podman run hermetic
// in the lab (runtimes/hosted.h); a runtime that is not installed is left out with a note,
// one that fails to start is an error.
#pragma once

#include "harness/bench/bench_command.h"

namespace nc::bench {

// Runs inside a lab (the caller's run_in_lab), from the runner's main thread (a private
// dockerd is its child). Prints the table; returns the exit code.
int attach_bench(const BenchOptions& o);

}  // namespace nc::bench
