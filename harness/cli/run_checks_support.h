// Test support for kernel tests that run small check files through the netconform binary
// (NC_NETCONFORM_PATH) on netimpl and read its JSON report. Needs root: real labs.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace nc::testing_support {

// Writes `files` (file name → text) under a fresh directory's conformance/, runs them on
// netimpl, and returns the report's results by ID (empty, with a test failure recorded,
// when the run or its report fails). `tag` names the directory.
std::map<std::string, nlohmann::json> run_check_files(const std::string& tag, const std::map<std::string, std::string>& files);

// The result's status ("pass", "fail", "skip"), or "absent".
std::string check_status(const std::map<std::string, nlohmann::json>& results, const std::string& id);

}  // namespace nc::testing_support
