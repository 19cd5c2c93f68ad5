// Docker and Podman from the machine's own packages, kept per shard (hosted.h).
#include <unistd.h>

#include <fmt/format.h>

#include "harness/runtimes/hosted.h"
#include "harness/runtimes/podman/podman.h"
#include "harness/runtimes/registry.h"

namespace nc::runtimes {
namespace {

RuntimeKind hosted_kind(std::string name, std::string summary, std::string binary) {
  return {.name = name,
          .summary = std::move(summary),
          .make = [name](std::string_view, const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            auto ep = ctx.endpoints.find(name);
            HostedOptions base{.runtime = name, .ip_forward = true, .host_resolv = std::nullopt, .probe_path = ctx.probe_path,
                               .cgroup_parent = ctx.cgroup_parent, .state_dir = "",
                               .endpoint = ep == ctx.endpoints.end() ? "" : ep->second};
            return make_per_shard(name, name, [base](const ShardStartArgs& a) -> Result<std::unique_ptr<ShardRuntime>> {
              return NC_TRY(HostedRuntime::start(for_shard(base, a)));
            });
          },
          .missing = [binary]() -> std::string {
            if (::access(binary.c_str(), X_OK) == 0) return "";
            return fmt::format("{} is not installed (bash ci/install-deps --with-runtimes)", binary);
          }};
}

}  // namespace

std::vector<RuntimeKind> hosted_kinds() {
  return {hosted_kind("docker", "Debian 12's Docker 20.10, a private dockerd per shard", std::string(kDockerd)),
          hosted_kind("podman", "Debian 12's Podman 4.3 with netavark, per shard", std::string(kPodman))};
}

}  // namespace nc::runtimes
