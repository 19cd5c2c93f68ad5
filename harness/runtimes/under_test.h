// The runtime under test: the lab host(s) a runtime lives on plus its api::Runtime, as one
// owner, made from a runtime name by the registry (registry.h).
//
// Two lifetimes exist, and a check must not care which one it gets:
//  - fresh per check (netimpl, CNI): acquire() takes a new lab host (built while the last
//    check ran; for a check with `lab: {hosts: N}` also an underlay of N hosts) and starts
//    a new runtime on it; release() drops both (on a second thread), and with the
//    namespaces goes everything the check built — no reset in between;
//  - kept per shard (Docker, Podman, exec adapters): a daemon is too slow to start per
//    check, so one lab host and runtime serve every check of a shard. acquire() restarts
//    them only when the check asks for a fresh runtime, or needs another initial ip_forward (a daemon behaves
//    differently when it must turn forwarding on itself), when the check or the one
//    before it sets the host's resolver files (`host_resolv`: Docker picks its resolver
//    file once per daemon, moby resolvconf.Path()), or after a release() that could
//    not bring them back; release() resets the runtime (verified by api::Runtime::reset)
//    and the lab state a check can leave behind (lab/lab_reset.h: neighbour entries,
//    conntrack, routes and addresses added to the lab's places), so checks are
//    independent of their order.
// A start that failed is remembered: later acquire()s fail at once with the same error
// instead of waiting for a daemon again.
//
// Used from the lab's runner thread only. Dropping the owner stops the runtime before its
// lab host goes (daemons first, while their namespaces still stand).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "harness/checks/check.h"
#include "harness/lab/lab_dns.h"
#include "harness/lab/topology.h"
#include "netimpl/api/runtime.h"

namespace nc::runtimes {

// What a check asks of the lab it runs in (checks::LabSpec).
struct LabNeeds {
  bool ip_forward = true;  // the host's initial net.ipv4.ip_forward
  int hosts = 1;           // > 1: a multi-host lab joined by an underlay
  int underlay_mtu = 0;    // hosts > 1: the hosts' underlay MTU (0: 1500)
  // The host's resolver files before the runtime starts (absent: the lab's usual ones).
  std::optional<lab::HostResolvFiles> host_resolv;
  // A step rewrites them: the runtime and lab host are not reused after the check.
  bool host_resolv_steps = false;
  // The check needs a runtime that has done nothing yet (checks::Lab::fresh_runtime).
  bool fresh_runtime = false;
  // The runtime starts with its default bridge dual stack on this subnet
  // (checks::Lab::default_bridge6); a runtime kept for a shard is started anew for a change.
  std::optional<Prefix> default_bridge6;
};

// What `check` asks of its lab: the one translation from a check file's `lab:` (and its
// host_resolv steps) that `run` and `bench checks` both use, so a bench runs a check in the
// lab `run` would give it.
LabNeeds lab_needs(const checks::Check& check);

// Where one check runs: valid from acquire() until release().
struct Placement {
  const lab::LabHost* host = nullptr;  // the check's host and external namespaces
  api::Runtime* runtime = nullptr;
  // True when release() drops this runtime and its lab host (fresh per check): the
  // namespaces take everything the check built, so nothing needs resetting in between.
  bool dropped_after_check = false;
};

class RuntimeUnderTest {
 public:
  virtual ~RuntimeUnderTest() = default;

  // The runtime's name as the user gave it ("netimpl", "docker@26.1", "exec:./a=mine").
  virtual std::string name() const = 0;
  // Its version once it has been started ("" before): selects its expectations file.
  virtual std::string version() const = 0;
  // Which runtime this is a version or variant of ("docker" for docker@26.1 too): selects,
  // with version(), its expectations file "<family>-<major.minor>.yaml" in
  // conformance/expectations, and what a benchmark measures on it.
  virtual std::string family() const { return name(); }

  // Ready for a check that needs `lab`. Errors name the step that failed ("lab: ...",
  // "start docker@26.1: ...").
  virtual Result<Placement> acquire(const LabNeeds& lab) = 0;
  // The check is over. Never fails: what cannot be cleaned is dropped and rebuilt at the
  // next acquire().
  virtual void release() = 0;
};

}  // namespace nc::runtimes
