#include "harness/lab/machine_snapshot.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "netimpl/process/process.h"

namespace nc::lab {
namespace {

using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

Result<std::string> capture(const std::vector<std::string>& argv) {
  auto r = NC_TRY(run({.argv = argv}, 10s));
  if (r.timed_out || r.exit_code != 0)
    return failf("{}: {}: {}", fmt::join(argv, " "), r.timed_out ? "timed out" : fmt::format("exit {}", r.exit_code), r.err);
  return r.out;
}

void strip_volatile(nlohmann::json& j) {
  if (j.is_object()) {
    for (const char* k : {"valid_life_time", "preferred_life_time", "expires"}) j.erase(k);
    for (auto& [key, value] : j.items()) strip_volatile(value);
  } else if (j.is_array()) {
    for (auto& v : j) strip_volatile(v);
  }
}

Result<Lines> json_lines(const std::string& text, std::string_view what) {
  Lines out;
  if (text.find_first_not_of(" \n") == std::string::npos) return out;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array()) return failf("{}: not a JSON array", what);
  strip_volatile(j);
  for (const auto& e : j) out.push_back(e.dump());
  std::sort(out.begin(), out.end());
  return out;
}

Lines text_lines(const std::string& text) {
  Lines out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

Lines nft_lines(const std::string& text) {
  static const std::regex counter(R"(counter packets \d+ bytes \d+)"), expires(R"( expires [0-9a-z.]+)");
  return text_lines(std::regex_replace(std::regex_replace(text, counter, "counter"), expires, ""));
}

// The machine init's mount table, without the mount and parent IDs (which a re-mount
// changes but which say nothing about what is mounted where).
Result<Lines> mount_lines() {
  std::ifstream f("/proc/1/mountinfo");
  if (!f) return fail("read /proc/1/mountinfo");
  std::string all((std::istreambuf_iterator<char>(f)), {});
  Lines out;
  for (auto& line : text_lines(all)) {
    size_t second = line.find(' ', line.find(' ') + 1);
    out.push_back(second == std::string::npos ? line : line.substr(second + 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct IpSection {
  const char* name;
  std::vector<std::string> argv;
};

Result<MachineSnapshot> take_all() {
  MachineSnapshot s;
  const IpSection ip[] = {
      {"links", {"ip", "-j", "link", "show"}},
      {"addresses", {"ip", "-j", "address", "show"}},
      {"routes4", {"ip", "-j", "-4", "route", "show", "table", "all"}},
      {"routes6", {"ip", "-j", "-6", "route", "show", "table", "all"}},
      {"rules", {"ip", "-j", "rule", "show"}},
  };
  for (const auto& [name, argv] : ip) {
    std::string text = NC_TRY(capture(argv));
    s.sections[name] = NC_TRY(json_lines(text, name));
  }
  std::string nft = NC_TRY(capture({"nft", "list", "ruleset"}));
  s.sections["nft"] = nft_lines(nft);
  std::string netns = NC_TRY(capture({"ip", "netns", "list"}));
  s.sections["netns"] = text_lines(netns);
  s.sections["mounts"] = NC_TRY(mount_lines());
  return s;
}

}  // namespace

Result<MachineSnapshot> MachineSnapshot::take() {
  return NC_TRY_CTX(take_all(), "snapshot the machine");
}

std::string diff(const MachineSnapshot& before, const MachineSnapshot& after) {
  std::string out;
  auto section = [&](const std::string& name) -> const Lines& {
    static const Lines empty;
    auto it = after.sections.find(name);
    return it == after.sections.end() ? empty : it->second;
  };
  for (const auto& [name, lines] : before.sections) {
    const Lines& now = section(name);
    Lines gone, added;
    std::set_difference(lines.begin(), lines.end(), now.begin(), now.end(), std::back_inserter(gone));
    std::set_difference(now.begin(), now.end(), lines.begin(), lines.end(), std::back_inserter(added));
    for (const auto& l : gone) out += fmt::format("{}: - {}\n", name, l);
    for (const auto& l : added) out += fmt::format("{}: + {}\n", name, l);
  }
  for (const auto& [name, lines] : after.sections)
    if (!before.sections.contains(name))
      for (const auto& l : lines) out += fmt::format("{}: + {}\n", name, l);
  return out;
}

}  // namespace nc::lab
