// The `steps:` list. Internal to the loader.
#pragma once

#include <vector>

#include "harness/checks/scope.h"

namespace nc::checks::detail {

// Parses the steps in order. Runtime actions that are expected to succeed update `scope`
// (network_create adds a network, container_remove removes a container, network_connect
// attaches a container to a network, ...), so later steps may use exactly what exists at
// their point. A runtime action expected to succeed must be able to: no network_connect to
// a network the container is on, no network_disconnect from one it is not on, no
// network_remove of a network a container is on.
Result<std::vector<Step>> parse_steps(const Reader& r, const Value& v, Scope& scope);

}  // namespace nc::checks::detail
