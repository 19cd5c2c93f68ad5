// CNI as the runtime under test: Debian's containernetworking-plugins driven by
// CniRuntime, fresh for every check on a fresh lab host (as netimpl): the plugins keep no
// daemon, so there is nothing to keep between checks, and the lab host's namespaces take
// every link and iptables rule with them.
#include "harness/runtimes/cni/cni_runtime.h"
#include "harness/runtimes/fresh_per_check.h"
#include "harness/runtimes/registry.h"

namespace nc::runtimes {

RuntimeKind cni_kind() {
  return {.name = "cni",
          .summary = "containernetworking-plugins (bridge, host-local, portmap, firewall, loopback) "
                     "driven by the CNI 1.0 protocol, fresh per check",
          .make = [](std::string_view, const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            // No multi-host mode: a multi-host check gets one host and is skipped for lacking
            // `multihost` once the runtime is up.
            return make_fresh_per_check(
                "cni", /*spans_hosts=*/false,
                [probe = ctx.probe_path](const lab::LabHost& host, const lab::Underlay*,
                                         const LabNeeds&) -> Result<std::unique_ptr<api::Runtime>> {
                  return NC_TRY(cni::CniRuntime::create(host.host(), {.probe_path = probe}));
                });
          },
          .missing = []() -> std::string {
            auto v = cni::installed_plugins_version();
            return v ? "" : v.error().message();
          }};
}

}  // namespace nc::runtimes
