// Docker 26.1 and Podman 5.4 from the Debian 13 root that ci/runtime-root builds, kept per
// shard like the machine's own (hosted.h: HostedOptions::root). Their families are docker
// and podman, so their expectations are docker-26.1.yaml and podman-5.4.yaml;
// podman@5.4+iptables is Podman 5.4 with netavark's iptables firewall driver instead of
// its default nftables one, judged by the same file.
#include <unistd.h>

#include <fmt/format.h>

#include "harness/runtimes/hosted.h"
#include "harness/runtimes/podman/podman.h"
#include "harness/runtimes/registry.h"

namespace nc::runtimes {
namespace {

RuntimeKind root_kind(std::string name, std::string family, std::string summary, std::string firewall_driver) {
  std::string program = family == "docker" ? std::string(kDockerd) : std::string(kPodman);
  return {.name = name,
          .summary = std::move(summary),
          .make = [name, family, firewall_driver](std::string_view,
                                                  const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            HostedOptions base{.runtime = family, .ip_forward = true, .host_resolv = std::nullopt, .probe_path = ctx.probe_path,
                               .cgroup_parent = ctx.cgroup_parent, .state_dir = "", .endpoint = "",
                               .root = debian13_root(), .firewall_driver = firewall_driver};
            return make_per_shard(name, family, [base](const ShardStartArgs& a) -> Result<std::unique_ptr<ShardRuntime>> {
              return NC_TRY(HostedRuntime::start(for_shard(base, a)));
            });
          },
          .missing = [program, family]() -> std::string {
            auto root = debian13_root();
            if (::access((root + program).c_str(), X_OK) != 0)
              return fmt::format("the runtime root {} is not built (no {} in it); build it with: {}", root, program,
                                 kBuildRootCommand);
            // Docker from the root is driven by the machine's Debian 12 client.
            if (family == "docker" && ::access(std::string(kDockerClient).c_str(), X_OK) != 0)
              return fmt::format("{} (Debian 12's docker client) is not installed (bash ci/install-deps --with-runtimes)",
                                 kDockerClient);
            return "";
          }};
}

}  // namespace

std::vector<RuntimeKind> root_kinds() {
  return {root_kind("docker@26.1", "docker", "Debian 13's Docker 26.1 from the runtime root, a private dockerd per shard", ""),
          root_kind("podman@5.4", "podman", "Debian 13's Podman 5.4 from the runtime root, netavark's nftables firewall", ""),
          root_kind("podman@5.4+iptables", "podman", "Podman 5.4 from the runtime root, netavark's iptables firewall",
                    "iptables")};
}

}  // namespace nc::runtimes
