// The probe's command line: `netconform-probe ACTION [ARGS...] [--option VALUE...]`.
//
// Options may come before, between or after positional arguments; "--opt VALUE" and
// "--opt=VALUE" are both accepted; "--" ends the options. Unknown options, a missing
// option value and the wrong number of positional arguments are usage errors that name
// the culprit.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "harness/probe/action.h"

namespace nc::probe {

// Parses the arguments that follow the action name against `spec`. "--help" among them
// sets `help` (the caller prints usage and exits 0).
struct ParsedCommand {
  Invocation invocation;
  bool help = false;
};
std::expected<ParsedCommand, std::string> parse_command(const ActionSpec& spec, std::span<const std::string_view> args);

// The full usage text (every action's synopsis), for --help.
std::string usage_text();

// Runs the probe for main(argc, argv); returns the exit status.
int probe_main(int argc, char** argv);

}  // namespace nc::probe
