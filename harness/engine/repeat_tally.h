// What a `repeat` step saw over its runs, and its aggregate verdict: every run met the step's
// expectation, every address of `seen` turned up (in answers, or as the server a connect
// reached), at least `min_orders` distinct answer orders, and each outcome of
// `outcomes_seen` at least once. Pure: the engine runs the step, the tally judges.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "harness/checks/check.h"
#include "harness/report/report.h"

namespace nc::engine {

class RepeatTally {
 public:
  // One run's record (run counts from 1). A connect's "order" is the server address it
  // reached; a lookup's is its answers in the order given.
  void add(int run, const report::StepRecord& rec, bool is_connect);

  // Judges the runs into `rec` (the last run's record): ok, expected, message, and
  // observed {"seen", "orders", "failures", "outcomes"}; the description gets a summary.
  // `seen` holds the step's `seen` addresses, already expanded.
  void judge(report::StepRecord& rec, const checks::Repeat& want, const std::vector<std::string>& seen) const;

 private:
  std::set<std::string> seen_;
  std::set<std::vector<std::string>> orders_;
  std::set<std::string> outcomes_;
  int failures_ = 0;
  std::string first_failure_;
};

}  // namespace nc::engine
