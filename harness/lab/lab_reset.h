// What one check can leave in a lab host that a runtime's reset() does not see.
//
// A hosted runtime (Docker, Podman, an exec adapter) keeps its lab host for a whole shard,
// and api::Runtime::reset() removes only the runtime's own objects. The kernel state of the
// lab's places outlives them: the external client's ARP entry for a macvlan container that
// is gone (the next check's container at the same address has another MAC, and frames go
// nowhere until the entry turns stale), a conntrack entry that still steers a UDP flow to
// a removed container, a route or address added to the external namespace. So between two
// checks the lab flushes learned neighbours and conntrack in the host and the external
// namespace, and verifies that their addresses and routes are as LabHost::create() made
// them — an error names what differs (the owner then replaces the lab host).
#pragma once

#include <string>
#include <vector>

#include "harness/lab/topology.h"

namespace nc::lab {

// The addresses and routes of a lab host's places, as text lines ("external: addr eth0
// 203.0.113.100/24"), for before/after comparison.
Result<std::vector<std::string>> lab_state(const LabHost& host);

// Flushes learned neighbours and conntrack in host and external, then compares lab_state()
// with `initial`: "lab host differs after the check: + external: route 192.0.2.0/24 ...".
Result<void> reset_lab_host(const LabHost& host, const std::vector<std::string>& initial);

}  // namespace nc::lab
