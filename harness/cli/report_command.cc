#include "harness/cli/report_command.h"

#include <fmt/format.h>

#include "harness/report/html_writer.h"
#include "harness/report/json_writer.h"
#include "harness/runtimes/cgroup_gc.h"

namespace nc::cli {

int report_command(const std::string& html, const std::vector<std::string>& inputs) {
  std::vector<report::RunReport> runs;
  for (auto& in : inputs) {
    auto r = report::read_json_report(in);
    if (!r) {
      fmt::print(stderr, "netconform report: {}\n", r.error().message());
      return 2;
    }
    runs.push_back(std::move(*r));
  }
  if (auto w = report::write_html_matrix(html, runs); !w) {
    fmt::print(stderr, "netconform report: {}\n", w.error().message());
    return 2;
  }
  size_t results = 0;
  for (auto& r : runs) results += r.results.size();
  fmt::print("netconform report: {} run(s), {} result(s) → {}\n", runs.size(), results, html);
  return 0;
}

int gc_command() {
  auto r = runtimes::sweep_dead_run_cgroups();
  for (auto& d : r.removed) fmt::print("removed {}\n", d);
  for (auto& p : r.problems) fmt::print(stderr, "netconform gc: {}\n", p);
  if (r.removed.empty() && r.problems.empty()) fmt::print("netconform gc: nothing to remove\n");
  return r.problems.empty() ? 0 : 1;
}

}  // namespace nc::cli
