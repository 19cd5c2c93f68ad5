// The conformance matrix: one self-contained HTML page (inline CSS and script, nothing
// fetched) from one or more run reports — checks down, runtimes across.
//
// Columns are "runtime version" in order of first appearance over the reports (a runtime
// run twice with the same version keeps the last result of each check). When the results
// come from more than one kernel (CheckResult::kernel, else the run's kernel release), the
// kernel is a dimension too: a column is "runtime version · kernel RELEASE". Each cell shows
// the verdict (pass, fail, skip, xfail, xpass) coloured, and the reason in words under it.
// A row's area is its ID prefix (BR, ISO, DNS, PORT, DRV, SCN); buttons filter by area and
// a box filters by text. A header row counts the verdicts per column. Every text from a
// report is HTML-escaped.
#pragma once

#include <string>
#include <vector>

#include "harness/report/report.h"
#include "netimpl/base/error.h"

namespace nc::report {

std::string html_matrix(const std::vector<RunReport>& runs);
Result<void> write_html_matrix(const std::string& path, const std::vector<RunReport>& runs);

// "BR-001" → "BR"; "SCN-ISO-001" → "SCN".
std::string check_area(std::string_view id);
std::string html_escape(std::string_view s);

}  // namespace nc::report
