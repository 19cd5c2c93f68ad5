// `netconform list` and `netconform kernel`: what checks exist, what this kernel offers.
#pragma once

#include <string>

namespace nc::cli {

// Every check of the catalogue: a table, or with json a JSON array of {id, title, suite,
// requires}. Exit 2 when a check file is malformed (the error names file:line:col).
int list_command(const std::string& checks_root, bool json);

// Probes the kernel in a fresh network namespace (the machine's is never touched).
int kernel_command(bool json);

}  // namespace nc::cli
