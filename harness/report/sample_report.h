// A small report with every status, two runtimes and awkward text (XML metacharacters,
// control characters, non-ASCII): the fixture of the report tests and of the schema test.
#pragma once

#include "harness/report/report.h"

namespace nc::report {

RunReport sample_report();

}  // namespace nc::report
