// The bridge driver: a Linux bridge per network on the host, a veth pair per endpoint
// (host end enslaved to the bridge in hairpin mode, container end named ethN with a MAC
// derived from its address: derived_mac in driver.h), the gateway address on the bridge
// (both gateways on a dual-stack network). Forwarding policy (isolation, masquerade,
// published ports) is not here: the runtime derives it from all networks and applies it as
// one nftables batch, for both families.
#pragma once

#include "netimpl/base/undo.h"
#include "netimpl/drivers/driver.h"

namespace nc::drivers {

class BridgeDriver : public Driver {
 public:
  std::string name() const override { return "bridge"; }
  std::vector<std::string> requirements() const override { return {"bridge", "veth"}; }
  bool dual_stack() const override { return true; }
  Result<void> validate(const api::NetworkSpec& spec) const override;
  Result<void> create_network(HostContext& host, NetworkState& net) override;
  Result<void> remove_network(HostContext& host, NetworkState& net) override;
  Result<void> attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;
  Result<void> detach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;

  // The bridge link for a network: "docker0" for the default bridge, "br-<name>" when
  // the name fits IFNAMSIZ and is link-safe, else "br-" plus a hash of the name.
  static std::string bridge_name(std::string_view network);
};

}  // namespace nc::drivers
