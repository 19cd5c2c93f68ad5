// Loading checks from YAML files into the model of check.h.
//
// Every malformed input yields ONE error, "file:line:col: what is wrong" (1-based; file as
// named to the loader), for the first problem found; nothing throws, nothing crashes.
// load_dir and load_catalogue read on past a broken file: each broken file's line, under
// "N check files have errors:" when there are several.
// yaml-cpp exceptions are caught at this boundary and converted. Before yaml-cpp sees a
// text, it must keep the bounds of input_limits.h (size, nesting depth, characters).
//
// Catalogue rules enforced by load_dir (not by parse_check, so tests can parse fragments):
// the file name is the id in lower case plus ".yaml"; scenario IDs start with SCN- and
// conformance IDs do not; IDs are unique.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/checks/check.h"

namespace nc::checks {

// Parses one check from YAML text; `file` names it in errors and in SourcePos.
Result<Check> parse_check(std::string_view yaml, std::string_view file, Suite suite);

// Reads and parses one file. Without `suite`, a file in a directory named "scenarios" is
// a scenario, any other a conformance check.
Result<Check> load_check_file(const std::filesystem::path& path, std::optional<Suite> suite = std::nullopt);

// Every *.yaml file directly in `dir`, sorted by file name, with the catalogue rules above.
// A missing or unreadable directory is an error; so is any broken file (all are named).
Result<std::vector<Check>> load_dir(const std::filesystem::path& dir, Suite suite);

// root/conformance and root/scenarios, in that order, with IDs unique across both.
Result<std::vector<Check>> load_catalogue(const std::filesystem::path& root);

// Errors on the first ID used twice, naming both places:
// "scenarios/x.yaml:1:5: duplicate id BR-001 (also conformance/br-001.yaml:1:5)".
Result<void> check_unique_ids(const std::vector<Check>& checks);

}  // namespace nc::checks
