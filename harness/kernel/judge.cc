#include "harness/kernel/judge.h"

#include "netimpl/api/capability.h"

namespace nc::kernel {

bool means_absent(int err) { return err == EOPNOTSUPP || err == ENOENT || err == EAFNOSUPPORT || err == EPROTONOSUPPORT; }

std::string_view config_of(std::string_view feature) {
  auto* c = api::find_capability(feature);
  return c ? c->kernel_config : feature;
}

Feature judge(std::string_view name, const Result<std::string>& probe) {
  if (probe) return {std::string(name), true, *probe};
  const Error& e = probe.error();
  return {std::string(name), false,
          means_absent(e.sys_errno()) ? fmt::format("kernel lacks {} ({})", config_of(name), e.message())
                                      : fmt::format("probe failed ({})", e.message())};
}

bool kernel_lacks(const Feature& f) { return !f.available && f.detail.starts_with("kernel lacks "); }

}  // namespace nc::kernel
