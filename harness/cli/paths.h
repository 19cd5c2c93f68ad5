// Where netconform finds its parts: the check catalogue and the probe binary.
//
// Defaults are the source tree and build tree it was built from (compiled in), so
// `build/netconform run` works from anywhere after the README's build; --checks and
// --probe override them.
#pragma once

#include <string>

#include "netimpl/base/error.h"

namespace nc::cli {

std::string default_catalogue_root();
std::string default_probe_path();

// Errors name the path and say which option overrides it.
Result<void> require_probe(const std::string& path);

}  // namespace nc::cli
