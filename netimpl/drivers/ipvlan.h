// The ipvlan driver: like macvlan, but every child shares the parent's MAC. L2 mode: the
// children are on the parent's segment (ARP as usual). L3 mode: the parent routes for its
// children; no broadcast reaches them, so a child has no gateway to ARP for — its default
// route is the link itself, "default dev eth0", as Docker's (a gateway given is ignored).
//
// Needs CONFIG_IPVLAN. Where the kernel lacks it, creating the child fails with
// "kernel lacks ipvlan (CONFIG_IPVLAN)" and checks requiring ipvlan are skipped before
// they start; ipvlan_test.cc exercises the requests through a fake executor.
#pragma once

#include "netimpl/drivers/driver.h"
#include "netimpl/drivers/sublink.h"

namespace nc::drivers {

class IpvlanDriver : public Driver {
 public:
  explicit IpvlanDriver(SubLinkExecutor exec = rtnl_executor()) : exec_(std::move(exec)) {}
  std::string name() const override { return "ipvlan"; }
  std::vector<std::string> requirements() const override { return {"ipvlan"}; }
  Result<void> validate(const api::NetworkSpec& spec) const override;
  Result<void> create_network(HostContext& host, NetworkState& net) override;
  Result<void> remove_network(HostContext&, NetworkState&) override { return {}; }
  Result<void> attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;
  Result<void> detach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;

  static SubLinkRequest request(const NetworkState& net, const SandboxContext& sb, const EndpointState& ep);
  // What attach does to the endpoint's routing after the link is up: L3 clears the
  // gateway and asks for a direct default route (ep.default_dev); L2 keeps the gateway.
  static void route(const api::NetworkSpec& spec, EndpointState& ep);

 private:
  SubLinkExecutor exec_;
};

}  // namespace nc::drivers
