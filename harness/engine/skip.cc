#include "harness/engine/skip.h"

#include <fmt/ranges.h>

namespace nc::engine {

std::string kernel_skip_reason(const checks::Check& c, const std::vector<kernel::Feature>& features,
                               std::string_view release) {
  auto kernel = kernel::capability_missing_reason(c.requirements, features);
  if (!kernel) return fmt::format("{} [kernel {}]", kernel.error().message(), release);
  if (!kernel->empty()) return fmt::format("{} [kernel {}]", *kernel, release);
  return "";
}

std::string skip_reason(const checks::Check& c, const api::Runtime& rt, std::string_view rt_name,
                        const std::vector<kernel::Feature>& features) {
  if (auto why = kernel_skip_reason(c, features, kernel::kernel_release()); !why.empty()) return why;
  auto caps = rt.capabilities();
  std::vector<std::string> lacking;
  for (auto& r : c.requirements)
    if (!caps.contains(r)) lacking.push_back(r);
  if (!lacking.empty()) return fmt::format("runtime {} lacks {}", rt_name, fmt::join(lacking, ", "));
  return "";
}

}  // namespace nc::engine
