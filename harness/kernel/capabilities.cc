#include <algorithm>

#include <fmt/ranges.h>

#include "harness/kernel/features.h"
#include "harness/kernel/judge.h"

namespace nc::kernel {

std::set<std::string> available_capabilities(const std::vector<Feature>& features) {
  std::set<std::string> out;
  for (const auto& f : features)
    if (f.available) out.insert(f.name);
  return out;
}

Result<std::string> capability_missing_reason(const std::vector<std::string>& required,
                                              const std::vector<Feature>& features) {
  auto names = feature_names();
  std::vector<std::string> missing;
  for (const auto& r : required) {
    if (std::find(names.begin(), names.end(), r) == names.end()) continue;  // not the kernel's
    auto f = std::find_if(features.begin(), features.end(), [&](const Feature& x) { return x.name == r; });
    if (f == features.end()) return failf("kernel feature {} was not probed", r);
    if (f->available) continue;
    // Only a feature the kernel really lacks says so; a probe error or a module not loaded
    // is "unavailable", with the probe's own words.
    missing.push_back(kernel_lacks(*f) ? fmt::format("kernel lacks {} ({})", r, f->detail)
                                       : fmt::format("{} unavailable ({})", r, f->detail));
  }
  return fmt::format("{}", fmt::join(missing, "; "));
}

}  // namespace nc::kernel
