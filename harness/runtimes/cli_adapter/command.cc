#include "harness/runtimes/cli_adapter/command.h"

#include <fmt/format.h>

namespace nc::runtimes {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string Cli::describe(const std::vector<std::string>& args) const {
  // The subcommand and its first operands name the operation; the rest is noise.
  std::vector<std::string> shown(args.begin(), args.begin() + std::min<size_t>(args.size(), 4));
  return fmt::format("{} {}{}", name_, fmt::join(shown, " "), args.size() > 4 ? " ..." : "");
}

Result<RunResult> Cli::raw(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  LaunchSpec spec;
  spec.argv = prefix_;
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.ns = ns_;
  spec.env_extra = env_;
  auto r = NC_TRY_CTX(run(spec, timeout), "{}", describe(args));
  if (r.timed_out) return failf("{}: timed out after {} ms", describe(args), timeout.count());
  return r;
}

Result<std::string> Cli::out(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  auto r = NC_TRY(raw(args, timeout));
  if (r.exit_code != 0)
    return failf("{}: exit {}: {}", describe(args), r.exit_code, trim(r.err.empty() ? r.out : r.err));
  return std::move(r.out);
}

Result<void> Cli::ok(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  NC_TRY_VOID(out(args, timeout));
  return {};
}

Result<std::vector<std::string>> Cli::lines(const std::vector<std::string>& args) const {
  auto text = NC_TRY(out(args));
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    if (auto w = trim(std::string_view(text).substr(start, nl - start)); !w.empty()) words.push_back(w);
    start = nl + 1;
  }
  return words;
}

}  // namespace nc::runtimes
