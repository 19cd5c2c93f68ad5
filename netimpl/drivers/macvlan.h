// The macvlan driver: each endpoint is a macvlan child of the network's parent link on the
// host (the lab's LAN interface eth0), with its own MAC, created directly inside the
// container. Children sit on the parent's segment: the LAN reaches them directly.
//
// Modes bridge (default; children on one parent reach each other), private and vepa. The
// kernel never hands a child's traffic to its parent, so the host cannot reach its own
// macvlan children through the parent: a known limitation, asserted by DRV-008.
//
// The parent must exist when the network is created; creating nothing on the host, the
// network itself needs no teardown. Dropping a container removes its child with its netns.
#pragma once

#include "netimpl/drivers/driver.h"
#include "netimpl/drivers/sublink.h"

namespace nc::drivers {

class MacvlanDriver : public Driver {
 public:
  explicit MacvlanDriver(SubLinkExecutor exec = rtnl_executor()) : exec_(std::move(exec)) {}
  std::string name() const override { return "macvlan"; }
  std::vector<std::string> requirements() const override { return {"macvlan"}; }
  Result<void> validate(const api::NetworkSpec& spec) const override;
  Result<void> create_network(HostContext& host, NetworkState& net) override;
  Result<void> remove_network(HostContext&, NetworkState&) override { return {}; }
  Result<void> attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;
  Result<void> detach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;

  // The child link `attach` asks for (pure; what the unit tests look at).
  static SubLinkRequest request(const NetworkState& net, const SandboxContext& sb, const EndpointState& ep);

 private:
  SubLinkExecutor exec_;
};

}  // namespace nc::drivers
