// The run report: what one `netconform run` found, as plain values.
//
// A RunReport is built by the engine while checks run and handed to the writers
// (json_writer.h, junit_writer.h, summary.h). It holds no derived state: the counts per
// status are computed from the results by summarize(), so they can never disagree.
//
// A run may cover several runtimes (the same check against netimpl and docker): every
// CheckResult names its runtime; `runtime` at the top is the primary one and `runtimes`
// lists every runtime of the run with its version (empty means just the primary).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/kernel/feature.h"
#include "netimpl/base/error.h"

namespace nc::report {

// The JSON layout version (report.schema.json). Bump it when a field changes meaning.
inline constexpr int kSchemaVersion = 1;

enum class Status { kPass, kFail, kSkip, kXfail, kXpass };
inline constexpr Status kAllStatuses[] = {Status::kPass, Status::kFail, Status::kSkip, Status::kXfail,
                                          Status::kXpass};

// "pass", "fail", "skip", "xfail", "xpass".
std::string_view to_string(Status s);
// The inverse of to_string; an error naming the text otherwise.
Result<Status> parse_status(std::string_view text);

struct RuntimeInfo {
  std::string name;     // "netimpl", "docker", "podman"
  std::string version;  // "0.1", "20.10.24", ...
  bool operator==(const RuntimeInfo&) const = default;
};

struct KernelInfo {
  std::string release;                  // uname -r
  std::vector<kernel::Feature> features;
  bool operator==(const KernelInfo&) const = default;
};

// One step of a check: an action from a place and what came of it.
struct StepRecord {
  int index = 0;                 // 1-based position in the check
  std::string description;       // "web connect tcp://172.18.0.3:8080"
  std::string from;              // "web", "host", "external"
  std::string action;            // "connect", "resolve", ...
  nlohmann::json observed;       // what the probe or runtime reported (null: nothing)
  std::string expected;          // human text: "ok", "addresses [172.18.0.2]"
  bool ok = false;
  std::string message;           // why it failed; empty when ok
  double duration_ms = 0;
  // A story's act: "symptom" before its `fix:` marker, "fix" from it on; empty in checks
  // without a fix.
  std::string act;
  std::string story_line;        // the step's `name` (its line of the story), when it has one
  int attempts = 1;              // eventually / repeat: how many times the action ran
  bool operator==(const StepRecord&) const = default;
};

struct CheckResult {
  std::string id;        // "BR-003"
  std::string title;
  std::string suite;     // "conformance", "scenarios"
  std::string runtime;   // the runtime this result is for
  Status status = Status::kSkip;
  std::string reason;    // why it is not a plain pass (skip reason, failure, expectation)
  double duration_ms = 0;
  std::vector<StepRecord> steps;
  std::string story;     // a scenario's incident text; empty for most checks
  std::string kernel;    // the release of the kernel it ran on (uname -r); empty: the run's kernel
  bool operator==(const CheckResult&) const = default;
};

// A count per status.
struct Summary {
  int pass = 0, fail = 0, skip = 0, xfail = 0, xpass = 0;

  int& count(Status s);
  int count(Status s) const;
  int total() const { return pass + fail + skip + xfail + xpass; }
  // True when reality matched expectations: no failure and no unexpected pass.
  bool green() const { return fail == 0 && xpass == 0; }
  bool operator==(const Summary&) const = default;
};

Summary summarize(const std::vector<CheckResult>& results);
// Counts per runtime name, ordered by name.
std::map<std::string, Summary> summarize_by_runtime(const std::vector<CheckResult>& results);

struct RunReport {
  int schema_version = kSchemaVersion;
  RuntimeInfo runtime;                // the primary runtime
  std::vector<RuntimeInfo> runtimes;  // every runtime of the run; empty: only `runtime`
  KernelInfo kernel;                  // the kernel of the run (with --kernel: the first one)
  std::vector<KernelInfo> kernels;    // with --kernel: every kernel it ran on, in order, each with
                                      // what the probe found there; empty: only `kernel`
  std::string started_at;             // ISO 8601 UTC, "2025-03-01T12:00:00.000Z"
  double duration_ms = 0;
  std::vector<CheckResult> results;

  Summary summary() const { return summarize(results); }
  bool operator==(const RunReport&) const = default;
};

// "2025-03-01T12:00:00.123Z".
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace nc::report
