#include "harness/engine/skip.h"

#include <fmt/ranges.h>

namespace nc::engine {

std::string skip_reason(const checks::Check& c, const api::Runtime& rt, std::string_view rt_name,
                        const std::vector<kernel::Feature>& features) {
  auto kernel = kernel::capability_missing_reason(c.requirements, features);
  if (!kernel) return kernel.error().message();
  if (!kernel->empty()) return *kernel;
  auto caps = rt.capabilities();
  std::vector<std::string> lacking;
  for (auto& r : c.requirements)
    if (!caps.contains(r)) lacking.push_back(r);
  if (!lacking.empty()) return fmt::format("runtime {} lacks {}", rt_name, fmt::join(lacking, ", "));
  return "";
}

}  // namespace nc::engine
