// Registers checks as GoogleTest tests and records their results.
//
// Each check × runtime becomes the test `<runtime>.<ID with _ for ->` (a '-' in a gtest
// filter starts the negative patterns), so --gtest_filter, repeat, shuffle and sharding
// (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) apply; with --jobs the shards instead claim tests
// as they go (shared_progress.h), and a test another shard claimed ends at once, unrecorded. Runs inside the lab's runner. Where a
// check runs and on what comes from the runtime under test (runtimes/under_test.h): netimpl
// fresh per check, Docker and Podman kept per shard and reset between checks. A result is
// then adjusted by the runtime's expectations (runtimes/expectations.h): xfail is a gtest
// pass, xpass a gtest failure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/checks/check.h"
#include "harness/kernel/feature.h"
#include "harness/report/report.h"
#include "harness/runtimes/expectations.h"
#include "harness/runtimes/under_test.h"
#include "harness/cli/shared_progress.h"

namespace nc::cli {

struct SuiteRun {
  std::string probe_path;
  bool verbose = false;
  std::vector<kernel::Feature> features;
  std::vector<report::CheckResult> results;  // filled as tests end, in execution order
  std::string expectations_dir;              // conformance/expectations
  // The runtimes, in the order given; made (not started) before registration.
  std::vector<std::unique_ptr<runtimes::RuntimeUnderTest>> runtimes;
  std::map<std::string, runtimes::Expectations> expectations;  // by runtime name, once its version is known
  // The run's progress across shards (jobs > 1): each test runs in the shard that claims
  // it first (shared_progress.h). Null: this lab runs and counts every test it has.
  SharedProgress* progress = nullptr;
  int64_t position = 0;  // how many tests this shard has started: its place in the common order
};

std::string test_name(std::string_view id);  // "BR-001" → "BR_001"; "docker@26.1" → "docker_26_1"

// Registers every check for every runtime; `run` must outlive RUN_ALL_TESTS.
void register_checks(const std::vector<checks::Check>& checks, SuiteRun& run);

// Replaces GoogleTest's printer with one progress line per check (and the failing steps).
void install_progress_printer(SuiteRun& run);

}  // namespace nc::cli
