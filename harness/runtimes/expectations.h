// Per-runtime expectations: a runtime's known, justified deviations, as data.
//
// A file conformance/expectations/<runtime>-<major.minor>.yaml:
//
//   runtime: docker
//   version: "20.10"
//   expectations:
//     - id: ISO-002
//       verdict: fail          # fail | skip | pass | race
//       reason: "Docker before 28.0 lets a LAN host with a route reach unpublished ports (BEHAVIOUR.md)"
//
// Meaning, applied to a check's real result (apply()):
//   fail: a failure becomes xfail (a pass carrying the expectation); a pass becomes xpass,
//         reported as a failure ("unexpected pass"); a skip stays a skip;
//   skip: the check is not run on this runtime; it is a skip with the reason;
//   pass: documents that a check passes (a failure stays a failure);
//   race: the runtime's outcome is a race it does not control, observed both ways (the reason
//         says how often and why): a failure becomes xfail, a pass stays a pass, and both
//         carry the reason. Only for what was seen to go both ways, never for a wish.
// The run is green when reality matches expectations (report::Summary::green()).
//
// Errors: "conformance/expectations/docker-20.10.yaml:7:16: unknown verdict 'fial'; expected
// fail, skip, pass or race" — every malformed file gets file:line:col, never a crash. An ID may
// appear once per file; a file for another runtime or version than its name says is an error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/checks/check.h"
#include "harness/report/report.h"
#include "netimpl/base/error.h"

namespace nc::runtimes {

enum class Verdict { kFail, kSkip, kPass, kRace };
// "fail", "skip", "pass", "race".
std::string_view to_string(Verdict v);

struct Expectation {
  std::string id;
  Verdict verdict = Verdict::kFail;
  std::string reason;
  checks::SourcePos pos;
};

struct Expectations {
  std::string runtime;
  std::string version;  // "20.10"
  std::vector<Expectation> items;

  const Expectation* find(std::string_view id) const;
};

Result<Expectations> parse_expectations(std::string_view yaml, std::string_view file);
Result<Expectations> load_expectations_file(const std::filesystem::path& path);

// "<dir>/<runtime>-<major.minor>.yaml" for a version like "20.10.24"; the file need not exist.
std::filesystem::path expectations_path(const std::filesystem::path& dir, std::string_view runtime,
                                        std::string_view version);
// The expectations of that runtime and version, or empty ones when there is no file.
Result<Expectations> load_expectations_for(const std::filesystem::path& dir, std::string_view runtime,
                                           std::string_view version);

// Adjusts a real result (pass, fail or skip) by its expectation (may be null).
void apply(const Expectation* e, report::CheckResult& r);

}  // namespace nc::runtimes
