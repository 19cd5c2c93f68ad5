#include "harness/cli/info_commands.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "harness/checks/loader.h"
#include "harness/kernel/features.h"
#include "harness/kernel/judge.h"
#include "netimpl/drivers/registry.h"

namespace nc::cli {

int list_command(const std::string& checks_root, bool json) {
  auto all = checks::load_catalogue(checks_root);
  if (!all) {
    fmt::print(stderr, "netconform list: {}\n", all.error().message());
    return 2;
  }
  if (json) {
    auto arr = nlohmann::json::array();
    for (auto& c : *all)
      arr.push_back({{"id", c.id}, {"title", c.title}, {"suite", checks::suite_name(c.suite)}, {"requires", c.requirements}});
    fmt::print("{}\n", arr.dump(2));
    return 0;
  }
  for (auto& c : *all)
    fmt::print("{:<12} {:<12} {}{}\n", c.id, checks::suite_name(c.suite), c.title,
               c.requirements.empty() ? "" : fmt::format("  [requires {}]", fmt::join(c.requirements, ", ")));
  fmt::print("{} checks\n", all->size());
  return 0;
}

namespace {
// The kernel features a driver needs that this kernel lacks.
std::vector<std::string> missing_for(const drivers::DriverNeeds& d, const std::vector<kernel::Feature>& features) {
  auto have = kernel::available_capabilities(features);
  std::vector<std::string> out;
  for (auto& f : d.kernel_features)
    if (!have.contains(f)) out.push_back(f);
  return out;
}
// "kernel lacks ipvlan" only where the kernel does; "ipvlan unavailable" otherwise (a probe
// error, a module not loaded).
std::vector<std::string> why_missing(const std::vector<std::string>& names, const std::vector<kernel::Feature>& features) {
  std::vector<std::string> out;
  for (auto& n : names) {
    auto f = std::ranges::find(features, n, &kernel::Feature::name);
    out.push_back(f != features.end() && kernel::kernel_lacks(*f) ? "kernel lacks " + n : n + " unavailable");
  }
  return out;
}
}  // namespace

int kernel_command(bool json) {
  auto features = kernel::probe_kernel();
  if (json) {
    nlohmann::json j{{"release", kernel::kernel_release()}, {"features", nlohmann::json::array()}};
    for (auto& f : features) j["features"].push_back({{"name", f.name}, {"available", f.available}, {"detail", f.detail}});
    j["drivers"] = nlohmann::json::array();
    for (auto& d : drivers::driver_needs())
      j["drivers"].push_back({{"name", d.driver}, {"needs", d.kernel_features}, {"missing", missing_for(d, features)}});
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print("kernel {}\n", kernel::kernel_release());
  for (auto& f : features) fmt::print("  {:<13} {:<4} {}\n", f.name, f.available ? "yes" : "no", f.detail);
  fmt::print("netimpl drivers\n");
  for (auto& d : drivers::driver_needs()) {
    auto missing = missing_for(d, features);
    fmt::print("  {:<13} {:<4} needs {}{}\n", d.driver, missing.empty() ? "yes" : "no",
               d.kernel_features.empty() ? "nothing" : fmt::format("{}", fmt::join(d.kernel_features, ", ")),
               missing.empty() ? "" : fmt::format(" ({})", fmt::join(why_missing(missing, features), "; ")));
  }
  return 0;
}

}  // namespace nc::cli
