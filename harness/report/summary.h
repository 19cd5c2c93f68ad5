// What a person sees on the terminal: a progress line per result while the run goes, and
// a summary at the end.
//
// Plain text; with `color` the status words and the final line carry ANSI colours. Call
// use_color(STDOUT_FILENO) to decide: colour only on a terminal. Reasons are printed on
// one line (newlines become spaces, other control characters "\x1b"), so a probe's output
// cannot move the cursor or change colours.
//
// The summary, for example:
//
//   not passed:
//     skip   netimpl  DRV-004  kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN ...)
//     fail   docker   PORT-002 step 2: web connect tcp://203.0.113.10:8080: timeout
//
//   runtime   pass  fail  skip xfail xpass
//   docker       3     1     0     0     0
//   netimpl      4     0     1     0     0
//
//   7 passed, 1 failed, 1 skipped
//
// The last line is exactly "N passed, N failed, N skipped", followed by
// ", N xfail, N xpass" when either count is not zero.
#pragma once

#include <string>

#include "harness/report/report.h"

namespace nc::report {

// True when `fd` is a terminal, NO_COLOR is unset and TERM is not "dumb".
bool use_color(int fd);

// "[ 3/14] netimpl BR-003 pass (41 ms)"; a result that is not a pass gets ": reason".
// `index` is 1-based; it is padded to the width of `total`.
std::string format_progress(int index, int total, const CheckResult& r, bool color);

// The lines above, each ending in a newline. The table has one row per runtime, by name.
std::string format_summary(const RunReport& r, bool color);

// Just the final line, without newline: "7 passed, 1 failed, 1 skipped".
std::string format_counts(const Summary& s, bool color);

}  // namespace nc::report
