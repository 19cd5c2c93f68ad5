// Runs one check against one runtime in one lab host, and says what happened.
//
// Set-up (networks, containers, services) failing fails the check with the error; a step
// whose observation does not match fails it too, but the remaining steps still run so the
// report shows the whole picture. Afterwards the runtime is reset and that is verified: a
// check that leaves anything behind fails — unless the runtime is dropped instead
// (EngineEnv::reset_after). Skips (missing capabilities) are decided by the caller before
// run_check.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "harness/checks/check.h"
#include "harness/report/report.h"
#include "netimpl/api/runtime.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab {
class LabHost;
}

namespace nc::engine {

struct LabPlaces {
  const Namespaces* host = nullptr;
  const Namespaces* external = nullptr;
  std::string host_ip;       // ${host.ip}
  std::string external_ip;   // ${external.ip}
  std::string host_ip6;      // ${host.ip6}; empty on an IPv4-only lab (then it cannot be expanded)
  std::string external_ip6;  // ${external.ip6}; likewise

  // A lab host's namespaces and LAN addresses (lab/topology.h); the IPv6 ones only when
  // the lab has IPv6 (LabHost::ipv6, read once as the lab was built).
  static LabPlaces of(const lab::LabHost& lab);
  bool ipv6() const { return !external_ip6.empty(); }
};

// How long a step that expects silence (`timeout`) waits; silence.h says why a shorter wait
// keeps the meaning.
struct SilenceWaits {
  bool bounded = true;                     // false: every step waits its declared timeout_ms
  std::chrono::milliseconds wait{100};     // bounded: the short wait W
  int margin = 4;                          // a control must answer within W / margin
};

struct EngineEnv {
  api::Runtime* runtime = nullptr;
  LabPlaces lab;
  std::string probe_path;
  SilenceWaits silence;
  // false when the runtime is dropped right after the check (runtimes::Placement::
  // dropped_after_check): its namespaces take everything the check built, and a reset
  // would only wait for the kernel to delete, link by link, what it deletes anyway. The
  // runtime's reset() is then verified by the runtime's own tests, not by every check.
  bool reset_after = true;
  // Called with each step's record as it completes (progress, verbose output). May be empty.
  std::function<void(const report::StepRecord&)> on_step;
};

struct CheckRun {
  report::Status status = report::Status::kPass;  // kPass or kFail
  std::string reason;                             // the first failure, in words
  std::vector<report::StepRecord> steps;
};

CheckRun run_check(const checks::Check& check, EngineEnv& env);

}  // namespace nc::engine
