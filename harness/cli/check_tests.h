// Registers checks as GoogleTest tests and records their results.
//
// Each check × runtime becomes the test `<runtime>.<ID with _ for ->` (a '-' in a gtest
// filter starts the negative patterns), so --gtest_filter, repeat, shuffle and sharding
// (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) apply. Runs inside the lab's runner: every
// check gets a fresh lab host and a fresh runtime on it, torn down when it ends.
#pragma once

#include <string>
#include <vector>

#include "harness/checks/check.h"
#include "harness/kernel/feature.h"
#include "harness/report/report.h"

namespace nc::cli {

struct SuiteRun {
  std::vector<std::string> runtimes;
  std::string probe_path;
  bool verbose = false;
  std::vector<kernel::Feature> features;
  std::vector<report::CheckResult> results;  // filled as tests end, in execution order
};

std::string test_name(std::string_view id);  // "BR-001" → "BR_001"

// Registers every check for every runtime; `run` must outlive RUN_ALL_TESTS.
void register_checks(const std::vector<checks::Check>& checks, SuiteRun& run);

// Replaces GoogleTest's printer with one progress line per check (and the failing steps).
void install_progress_printer(SuiteRun& run);

}  // namespace nc::cli
