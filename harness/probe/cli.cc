#include "harness/probe/cli.h"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <vector>

#include "harness/probe/output.h"

namespace nc::probe {
namespace {

const OptionSpec* find_option(const ActionSpec& spec, std::string_view name) {
  for (const auto& o : spec.options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string count_error(const ActionSpec& spec, size_t got) {
  if (got < spec.min_args) return std::string(spec.name) + ": missing argument";
  return std::string(spec.name) + ": unexpected argument";
}

void write_stderr(const std::string& s) {
  if (::write(STDERR_FILENO, s.data(), s.size()) < 0) return;
}

}  // namespace

std::optional<std::string_view> Invocation::option(std::string_view name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::expected<long, std::string> int_option(const Invocation& inv, std::string_view name, long fallback, long min,
                                            long max) {
  auto text = inv.option(name);
  if (!text) return fallback;
  long v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || v < min || v > max)
    return std::unexpected(std::string(name) + ": expected a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got '" + std::string(*text) + "'");
  return v;
}

std::expected<ParsedCommand, std::string> parse_command(const ActionSpec& spec, std::span<const std::string_view> args) {
  ParsedCommand out;
  out.invocation.spec = &spec;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (options_done || !a.starts_with("--") ) {
      out.invocation.args.emplace_back(a);
      continue;
    }
    if (a == "--") { options_done = true; continue; }
    if (a == "--help") { out.help = true; continue; }
    std::string_view name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string_view::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    const OptionSpec* o = find_option(spec, name);
    if (!o) return std::unexpected(std::string(spec.name) + ": unknown option " + std::string(name));
    if (o->takes_value && !inline_value) {
      if (i + 1 >= args.size()) return std::unexpected(std::string(spec.name) + ": option " + std::string(name) + " needs a value");
      value = args[++i];
    } else if (!o->takes_value && inline_value) {
      return std::unexpected(std::string(spec.name) + ": option " + std::string(name) + " takes no value");
    }
    out.invocation.options[std::string(name)] = std::string(value);
  }
  size_t n = out.invocation.args.size();
  if (!out.help && (n < spec.min_args || n > spec.max_args)) return std::unexpected(count_error(spec, n));
  return out;
}

std::string usage_text() {
  std::string s = "usage:\n";
  for (const ActionSpec* a : all_actions()) s += "  netconform-probe " + std::string(a->synopsis) + "\n";
  s += "Prints one JSON object on one line. Exit: 0 the action ran, 1 serve could not bind, 2 usage error.\n";
  return s;
}

int usage_error(const ActionSpec* spec, std::string_view action_name, const std::string& error) {
  Json j = result(action_name, "error");
  j["error"] = error;
  emit(j);
  std::string synopsis = spec ? std::string(spec->synopsis) : "ACTION ... (see --help)";
  write_stderr("netconform-probe: " + error + "; usage: netconform-probe " + synopsis + "\n");
  return kExitUsage;
}

int probe_main(int argc, char** argv) {
  // Writes to a peer that went away must fail with EPIPE, not kill the probe.
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error(nullptr, "", "missing action");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::string u = usage_text();
    if (::write(STDOUT_FILENO, u.data(), u.size()) < 0) return kExitUsage;
    return kExitOk;
  }
  const ActionSpec* spec = find_action(args[0]);
  if (!spec) return usage_error(nullptr, args[0], "unknown action '" + std::string(args[0]) + "'");
  auto cmd = parse_command(*spec, std::span(args).subspan(1));
  if (!cmd) return usage_error(spec, spec->name, cmd.error());
  if (cmd->help) {
    std::string u = "usage: netconform-probe " + std::string(spec->synopsis) + "\n";
    if (::write(STDOUT_FILENO, u.data(), u.size()) < 0) return kExitUsage;
    return kExitOk;
  }
  return spec->run(cmd->invocation);
}

}  // namespace nc::probe
