// A runtime made anew for every check (netimpl, CNI) as a RuntimeUnderTest.
//
// The runtime-specific part is only how to start one on a lab host; this owner builds the
// lab host (and, for a runtime that spans hosts and a check with `lab: {hosts: N}`, an
// underlay of N hosts) before it and drops both after the check: the namespaces take every
// link, rule and address with them. A runtime that does not span hosts gets one host for a
// multi-host check, which is then skipped for lacking `multihost`.
//
// The next plain check's lab — a lab host and the runtime started on it, for a check that
// asks nothing of its lab (forwarding on, the lab's resolver files, one host, no IPv6
// default bridge) — is built on a second thread while a check runs. A new network
// namespace and the runtime's first bridge wait for the kernel to finish tearing down the
// last check's namespaces (all need the rtnl lock), so building them in the check's
// shadow takes that wait off the check's path. A check that asks for something gets a lab
// built for it at acquire(), host first and then the runtime, as before; the plain one
// waits for the next plain check. `start` may therefore run on either thread, and two at
// once. Placement::dropped_after_check is true: the engine need not reset the runtime.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "harness/lab/underlay.h"
#include "harness/runtimes/under_test.h"

namespace nc::runtimes {

// `underlay` is null unless the check needs several hosts and the runtime spans hosts;
// its host(1) is `host`. `lab`: what the check asks of its runtime's start
// (default_bridge6).
using FreshStart = std::function<Result<std::unique_ptr<api::Runtime>>(const lab::LabHost& host,
                                                                       const lab::Underlay* underlay, const LabNeeds& lab)>;

std::unique_ptr<RuntimeUnderTest> make_fresh_per_check(std::string name, bool spans_hosts, FreshStart start);

}  // namespace nc::runtimes
