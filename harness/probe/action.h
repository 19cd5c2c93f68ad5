// One probe action = one ActionSpec: its name, its command-line shape and the function
// that runs it. The table of all actions is in actions.cc; adding an action is one new
// file (action_NAME.cc defining `extern const ActionSpec kNameAction`) plus one entry
// in that table.
//
// The command line is checked against the spec (option names, number of positional
// arguments) before run() is called, so run() only validates the values themselves.
// run() prints exactly one JSON line (see output.h) and returns the exit status.
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nc::probe {

struct OptionSpec {
  std::string_view name;  // "--timeout-ms"
  bool takes_value = true;
};

struct ActionSpec;

// A parsed command line for one action.
struct Invocation {
  const ActionSpec* spec = nullptr;
  std::vector<std::string> args;                                  // positional, in order
  std::map<std::string, std::string, std::less<>> options;       // "--send" -> "text"; flags -> ""

  std::optional<std::string_view> option(std::string_view name) const;
  bool has(std::string_view name) const { return options.contains(name); }
};

struct ActionSpec {
  std::string_view name;      // "connect"
  std::string_view synopsis;  // "connect URL [--timeout-ms N] [--send TEXT]"
  std::span<const OptionSpec> options;
  size_t min_args = 0;
  size_t max_args = 0;        // kUnlimited for "URL [URL...]"
  int (*run)(const Invocation&) = nullptr;
};

inline constexpr size_t kUnlimited = static_cast<size_t>(-1);

// Every action, in the order --help lists them.
std::span<const ActionSpec* const> all_actions();
// The action named `name`, or nullptr.
const ActionSpec* find_action(std::string_view name);

// Prints the usage error as the action's JSON line ({"action","outcome":"error","error"})
// and one line on stderr ("netconform-probe: ERROR; usage: netconform-probe SYNOPSIS");
// returns kExitUsage. `spec` may be null (unknown action).
int usage_error(const ActionSpec* spec, std::string_view action_name, const std::string& error);

// The value of a numeric option ("--timeout-ms 500"): a whole number in [min, max], or
// `fallback` when the option is absent. The error names the option and the bad text.
std::expected<long, std::string> int_option(const Invocation& inv, std::string_view name, long fallback, long min,
                                            long max);

}  // namespace nc::probe
