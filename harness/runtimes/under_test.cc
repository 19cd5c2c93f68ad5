#include "harness/runtimes/under_test.h"

#include <algorithm>

namespace nc::runtimes {

LabNeeds lab_needs(const checks::Check& check) {
  LabNeeds n{.ip_forward = check.lab.ip_forward,
             .hosts = check.lab.hosts,
             .underlay_mtu = check.lab.underlay_mtu,
             .host_resolv_steps = std::ranges::any_of(check.steps, [](auto& s) { return s.kind() == checks::ActionKind::kHostResolv; }),
             .fresh_runtime = check.lab.fresh_runtime,
             .default_bridge6 = check.lab.default_bridge6};
  if (check.lab.host_resolv) n.host_resolv = lab::HostResolvFiles{check.lab.host_resolv->etc_text(), check.lab.host_resolv->systemd_text()};
  return n;
}

}  // namespace nc::runtimes
