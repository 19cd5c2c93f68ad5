// The JUnit XML form of a RunReport, for CI systems that show test results.
//
//   <testsuites name="netconform" tests= failures= skipped= errors="0" time=>
//     <testsuite name="<runtime>.<suite>" ...>     one per (runtime, suite), in order of
//                                                  first appearance in the results
//       <testcase classname="<runtime>.<suite>" name="<ID>" time="<seconds>">
// When the results span kernels (CheckResult::kernel differs), both names are
// "<kernel>.<runtime>.<suite>", so the same check on two kernels is two testcases.
//
// What each status becomes, since JUnit knows only pass, failure and skipped:
//   pass   an empty testcase
//   fail   <failure message="reason">one line per step: what was done, expected, observed</failure>
//   skip   <skipped message="reason"/>
//   xfail  a passing testcase with <system-out>expected failure: reason</system-out>
//   xpass  <failure message="unexpected pass: reason"/>  (counted as a failure)
// Every string is escaped (xml_escape.h), so any reason or probe output yields valid XML.
#pragma once

#include <string>

#include "harness/report/report.h"

namespace nc::report {

std::string to_junit_xml(const RunReport& r);
// write_file_atomic(path, to_junit_xml(r)); errors name the path.
Result<void> write_junit_report(const std::string& path, const RunReport& r);

}  // namespace nc::report
