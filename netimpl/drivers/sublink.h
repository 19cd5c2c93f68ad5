// The macvlan and ipvlan drivers: one class, parameterized by the kind of child link each
// endpoint gets. The child is created on the host under a temporary name from the network's
// parent link (the lab's LAN interface eth0), then moved into the container and named
// there (its eth0 and the parent's name may be the same), so it sits on the parent's
// segment and the LAN reaches it directly. The parent must exist when the network is
// created; creating nothing on the host, the network itself needs no teardown. Dropping a
// container removes its child with its netns.
//
// macvlan: each child has its own MAC. Modes bridge (default; children on one parent reach
// each other), private and vepa. The kernel never hands a child's traffic to its parent,
// so the host cannot reach its own macvlan children through the parent: a known
// limitation, asserted by DRV-008.
//
// ipvlan: every child shares the parent's MAC. L2 mode (default): the children are on the
// parent's segment (ARP as usual). L3 mode: the parent routes for its children; no
// broadcast reaches them, so a child has no gateway to ARP for — its default route is the
// link itself, "default dev eth0", as Docker's (a gateway given is ignored). Needs
// CONFIG_IPVLAN: where the kernel lacks it, creating the child fails with "kernel lacks
// ipvlan (CONFIG_IPVLAN)" and checks requiring ipvlan are skipped before they start.
//
// The seam with the kernel: the driver describes the child it wants as a typed
// SubLinkRequest, and a SubLinkExecutor carries it out. The real executor (rtnl_executor)
// calls Rtnl::create_macvlan / create_ipvlan; tests pass a fake that records the request,
// so the drivers are exercised where the kernel lacks ipvlan.
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
  std::string temp_name;                 // its name on the host until it is moved
  const Namespaces* target_ns = nullptr; // the container's namespace: moved there
  std::string ifname;                    // its name in the container: eth0, eth1, ...
  netlink::MacvlanMode macvlan_mode = netlink::MacvlanMode::kBridge;  // kMacvlan only
  netlink::IpvlanMode ipvlan_mode = netlink::IpvlanMode::kL2;         // kIpvlan only

  bool operator==(const SubLinkRequest&) const = default;
};

// Creates the link a request describes through `host_rtnl` (bound to the host's namespace,
// where the parent is). Errors carry the kernel's reason.
using SubLinkExecutor = std::function<Result<void>(netlink::Rtnl* host_rtnl, const SubLinkRequest& req)>;

// The real executor: Rtnl::create_macvlan / create_ipvlan.
SubLinkExecutor rtnl_executor();

class SubLinkDriver : public Driver {
 public:
  using Kind = SubLinkRequest::Kind;
  explicit SubLinkDriver(Kind kind, SubLinkExecutor exec = rtnl_executor()) : kind_(kind), exec_(std::move(exec)) {}
  std::string name() const override { return kind_ == Kind::kMacvlan ? "macvlan" : "ipvlan"; }
  std::vector<std::string> requirements() const override { return {name()}; }
  // Refuses a missing parent, an unknown mode (macvlan bridge|private|vepa, ipvlan l2|l3)
  // and the options these drivers do not take (internal, icc, mtu).
  Result<void> validate(const api::NetworkSpec& spec) const override;
  Result<void> create_network(HostContext& host, NetworkState& net) override;
  Result<void> remove_network(HostContext&, NetworkState&) override { return {}; }
  // Executes request(), gives the child its address and brings it up in the sandbox, then
  // route(); a failure after the create removes the child.
  Result<void> attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;
  Result<void> detach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;

  // The child link `attach` asks for (pure; what the unit tests look at).
  SubLinkRequest request(const NetworkState& net, const SandboxContext& sb, const EndpointState& ep) const;
  // The endpoint's routing once the link is up: ipvlan L3 clears the gateway and asks for a
  // direct default route (ep.default_dev); every other mode keeps the gateway.
  void route(const api::NetworkSpec& spec, EndpointState& ep) const;

 private:
  Kind kind_;
  SubLinkExecutor exec_;
};

}  // namespace nc::drivers
