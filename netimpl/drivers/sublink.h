// The seam between the macvlan/ipvlan drivers and the kernel: a driver describes the child
// link it wants as a typed SubLinkRequest, and a SubLinkExecutor carries it out. The real
// executor (rtnl_executor) calls Rtnl::create_macvlan / create_ipvlan; tests pass a fake
// that records the request, so the drivers are exercised where the kernel lacks ipvlan.
#pragma once

#include <functional>
#include <string>

#include "netimpl/base/error.h"
#include "netimpl/drivers/driver.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::drivers {

struct SubLinkRequest {
  enum class Kind { kMacvlan, kIpvlan };
  Kind kind = Kind::kMacvlan;
  std::string parent;                    // the parent link in the host's namespace
  std::string temp_name;                 // the name while it is created (never visible)
  const Namespaces* target_ns = nullptr; // the container's namespace: created directly there
  std::string ifname;                    // its name in the container: eth0, eth1, ...
  netlink::MacvlanMode macvlan_mode = netlink::MacvlanMode::kBridge;  // kMacvlan only
  netlink::IpvlanMode ipvlan_mode = netlink::IpvlanMode::kL2;         // kIpvlan only

  bool operator==(const SubLinkRequest&) const = default;
};

// Creates the link a request describes through `host_rtnl` (bound to the host's namespace,
// where the parent is). Errors carry the kernel's reason.
using SubLinkExecutor = std::function<Result<void>(netlink::Rtnl* host_rtnl, const SubLinkRequest&)>;

// The real executor: Rtnl::create_macvlan / create_ipvlan.
SubLinkExecutor rtnl_executor();

// What both drivers share. check_parent: the parent must exist on the host (refused before
// anything is created otherwise). attach_sublink: executes `req`, then gives the child its
// address and brings it up in the sandbox; a failure after the create removes the child.
Result<void> check_parent(HostContext& host, const api::NetworkSpec& spec);
Result<void> attach_sublink(const SubLinkExecutor& exec, HostContext& host, SandboxContext& sb, EndpointState& ep,
                            const SubLinkRequest& req);
// Refuses a missing parent and the options these drivers do not take (internal, icc).
Result<void> validate_sublink_spec(const api::NetworkSpec& spec, std::string_view driver);

// Parses the spec's mode for a driver: macvlan bridge|private|vepa ("" = bridge),
// ipvlan l2|l3 ("" = l2). Errors name the network and the option.
Result<netlink::MacvlanMode> macvlan_mode(const api::NetworkSpec& spec);
Result<netlink::IpvlanMode> ipvlan_mode(const api::NetworkSpec& spec);

}  // namespace nc::drivers
