// `netconform report --html FILE REPORT.json...` and `netconform gc`.
#pragma once

#include <string>
#include <vector>

namespace nc::cli {

// Reads every report (errors name the file) and writes one matrix. 0 on success, 2 on bad
// input.
int report_command(const std::string& html, const std::vector<std::string>& inputs);

// Removes the cgroup directories of dead runs (runtimes/cgroup_gc.h) and says what it did.
// 0 when nothing is left that it should have removed, 1 otherwise.
int gc_command();

}  // namespace nc::cli
