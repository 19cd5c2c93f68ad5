// The `steps:` list. Internal to the loader.
#pragma once

#include <vector>

#include "harness/checks/scope.h"

namespace nc::checks::detail {

// Parses the steps in order. Runtime actions that are expected to succeed update `scope`
// (network_create adds a network, container_remove removes a container, ...), so later
// steps may use exactly what exists at their point.
Result<std::vector<Step>> parse_steps(const Reader& r, const Value& v, Scope& scope);

}  // namespace nc::checks::detail
