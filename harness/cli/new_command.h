// `netconform new scenario ID`: writes a commented skeleton of a scenario to start a story
// from (scenarios/<id in lower case>.yaml under the catalogue root).
//
// The ID must be a scenario ID (SCN-NNN or SCN-AREA-NNN) that no check of the catalogue
// uses; an existing file is never overwritten. The skeleton loads as it is (a story of
// one symptom, its diagnosis and a fix), so `netconform run --suite scenarios --filter ID`
// runs it at once. Returns the exit code: 0 written, 2 refused (the reason on stderr).
#pragma once

#include <string>

namespace nc::cli {

int new_command(const std::string& kind, const std::string& id, const std::string& checks_root);

// The skeleton's text for `id` (exposed for tests).
std::string scenario_skeleton(const std::string& id);

}  // namespace nc::cli
