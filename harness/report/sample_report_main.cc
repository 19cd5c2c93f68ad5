// Writes the sample report as JSON and JUnit XML, for the schema test:
//   nc_report_sample OUT.json OUT.xml
#include <fmt/format.h>

#include "harness/report/json_writer.h"
#include "harness/report/junit_writer.h"
#include "harness/report/sample_report.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: {} OUT.json OUT.xml\n", argv[0]);
    return 2;
  }
  auto rep = nc::report::sample_report();
  for (auto r : {nc::report::write_json_report(argv[1], rep), nc::report::write_junit_report(argv[2], rep)}) {
    if (!r) {
      fmt::print(stderr, "{}\n", r.error().message());
      return 1;
    }
  }
  return 0;
}
