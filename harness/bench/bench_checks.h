// `netconform bench checks`: what one check of the catalogue costs on netimpl, with the old
// waits and the new ones side by side in one run.
//
// Every check of the catalogue (conformance, then scenarios; --filter globs narrow it) runs
// --rounds times per variant on netimpl, fresh per check as `run` does:
//   declared  every step waits its declared timeout_ms (the waits before silence.h)
//   bounded   a step that expects a drop waits SilenceWaits::wait when a control proves it
// alternating the variants check by check so drift on a shared machine hits both alike.
// Each run is timed in three phases — acquire (lab host and runtime), engine (set-up, steps,
// reset) and release (dropping both) — and the table gives per check the median total of
// each variant and their ratio, then the overall median per check, the median sum of a
// round (what `run --jobs 1` would take), and phase medians. A check that does not pass is
// marked with its reason: a benchmark reports, it does not assert.
#pragma once

#include "harness/bench/bench_command.h"

namespace nc::bench {

// Runs inside a lab (the caller's run_in_lab). Prints the table; returns the exit code.
int checks_bench(const BenchOptions& o);

}  // namespace nc::bench
