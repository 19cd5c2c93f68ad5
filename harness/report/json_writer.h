// The JSON form of a RunReport (layout: report.schema.json beside this file).
//
// to_json/from_json are the nlohmann_json conversions, so `json j = report;` works. The
// summary is written for readers but never read back: it is recomputed from the results,
// and a report whose summary disagrees with its results is rejected. Optional fields
// (story, message, observed, runtimes, kernel features) may be absent on input.
// from_json throws on malformed input (std::exception subclasses, nlohmann's convention);
// report_from_json and read_json_report catch that and return an error naming the
// result that is wrong ("results[3] (BR-003): unknown status 'maybe' ...") and the file.
//
// Strings that are not valid UTF-8 (a probe echoing raw bytes) are written with U+FFFD
// in place of the bad bytes rather than failing the whole report.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/report/report.h"

namespace nc::report {

void to_json(nlohmann::json& j, const RunReport& r);
void from_json(const nlohmann::json& j, RunReport& r);
void to_json(nlohmann::json& j, const CheckResult& r);
void from_json(const nlohmann::json& j, CheckResult& r);
void to_json(nlohmann::json& j, const StepRecord& s);
void from_json(const nlohmann::json& j, StepRecord& s);
void to_json(nlohmann::json& j, const Summary& s);
void to_json(nlohmann::json& j, const RuntimeInfo& r);
void from_json(const nlohmann::json& j, RuntimeInfo& r);
void to_json(nlohmann::json& j, const KernelInfo& k);
void from_json(const nlohmann::json& j, KernelInfo& k);

// The report as indented JSON text, ending in a newline.
std::string to_json_text(const RunReport& r);

// Parses and checks a report: schema_version must be one this build understands, every
// status known, the summary (when present) equal to the counts of the results.
Result<RunReport> report_from_json(const nlohmann::json& j);
Result<RunReport> report_from_json_text(std::string_view text);

// write_file_atomic(path, to_json_text(r)); errors name the path.
Result<void> write_json_report(const std::string& path, const RunReport& r);
// Reads a report written by write_json_report; errors name the path.
Result<RunReport> read_json_report(const std::string& path);

}  // namespace nc::report

namespace nc::kernel {
void to_json(nlohmann::json& j, const Feature& f);
void from_json(const nlohmann::json& j, Feature& f);
}  // namespace nc::kernel
