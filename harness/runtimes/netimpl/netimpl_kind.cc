// netimpl as the runtime under test: in-process, fresh for every check on a fresh lab
// host; with `lab: {hosts: N}`, one NetimplRuntime per host behind a MultiHostRuntime.
#include <fmt/format.h>

#include "harness/runtimes/fresh_per_check.h"
#include "harness/runtimes/registry.h"
#include "netimpl/runtime/multi_host_runtime.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtimes {

RuntimeKind netimpl_kind() {
  return {.name = "netimpl",
          .summary = "the reference implementation, in-process, fresh per check",
          .make = [](std::string_view, const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            runtime::NetimplOptions opts{.probe_path = ctx.probe_path, .start_processes = ctx.start_processes};
            return make_fresh_per_check(
                "netimpl", /*spans_hosts=*/true,
                [opts](const lab::LabHost& host, const lab::Underlay* underlay,
                       const LabNeeds& lab) -> Result<std::unique_ptr<api::Runtime>> {
                  auto o = opts;
                  o.default_bridge6 = lab.default_bridge6;
                  if (!underlay) return NC_TRY(runtime::NetimplRuntime::create(host.host(), o));
                  std::vector<runtime::HostRef> hosts;
                  for (int i = 1; i <= underlay->size(); ++i)
                    hosts.push_back({i == 1 ? std::string("host") : fmt::format("host{}", i), &underlay->host(i).host()});
                  return NC_TRY(runtime::MultiHostRuntime::create(hosts, o));
                });
          },
          .missing = {}};
}

}  // namespace nc::runtimes
