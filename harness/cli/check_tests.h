// Registers checks as GoogleTest tests and records their results.
//
// Each check × runtime becomes the test `<runtime>.<ID with _ for ->` (a '-' in a gtest
// filter starts the negative patterns), so --gtest_filter, repeat, shuffle and sharding
// (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) apply. Runs inside the lab's runner. netimpl:
// every check gets a fresh lab host and a fresh runtime on it, torn down when it ends.
// Docker, Podman: one lab host and daemon per shard (SuiteRun::hosted), reset and verified
// between checks. A result is then adjusted by the runtime's expectations
// (runtimes/expectations.h): xfail is a gtest pass, xpass a gtest failure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/checks/check.h"
#include "harness/kernel/feature.h"
#include "harness/report/report.h"
#include "harness/runtimes/expectations.h"
#include "harness/runtimes/hosted.h"

namespace nc::cli {

struct SuiteRun {
  std::vector<std::string> runtimes;
  std::string probe_path;
  bool verbose = false;
  std::vector<kernel::Feature> features;
  std::vector<report::CheckResult> results;  // filled as tests end, in execution order

  // Docker and Podman: one HostedRuntime per runtime for the whole shard (a daemon is
  // too slow to start per check); restarted when a check needs another initial
  // ip_forward, or after a check that could not return it to its starting state.
  std::string cgroup_parent;                   // runtimes/cgroup_gc.h: run_cgroup_name()
  std::string expectations_dir;                // conformance/expectations
  std::map<std::string, std::string> endpoints;  // runtime → --docker-host / --podman-url
  std::map<std::string, std::unique_ptr<runtimes::HostedRuntime>> hosted;
  std::map<std::string, std::string> hosted_error;  // a start that failed: later checks fail fast
  std::map<std::string, std::string> versions;      // runtime → version, as started
  std::map<std::string, runtimes::Expectations> expectations;  // loaded once the version is known
  int hosted_starts = 0;
};

std::string test_name(std::string_view id);  // "BR-001" → "BR_001"

// Registers every check for every runtime; `run` must outlive RUN_ALL_TESTS.
void register_checks(const std::vector<checks::Check>& checks, SuiteRun& run);

// Replaces GoogleTest's printer with one progress line per check (and the failing steps).
void install_progress_printer(SuiteRun& run);

}  // namespace nc::cli
