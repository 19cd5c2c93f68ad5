#include "netimpl/drivers/ipvlan.h"

namespace nc::drivers {

Result<void> IpvlanDriver::validate(const api::NetworkSpec& spec) const {
  NC_TRY_VOID(validate_sublink_spec(spec, "ipvlan"));
  NC_TRY_VOID(ipvlan_mode(spec));
  return {};
}

Result<void> IpvlanDriver::create_network(HostContext& host, NetworkState& net) {
  return check_parent(host, net.spec);
}

SubLinkRequest IpvlanDriver::request(const NetworkState& net, const SandboxContext& sb, const EndpointState& ep) {
  return {.kind = SubLinkRequest::Kind::kIpvlan, .parent = net.spec.parent, .temp_name = ep.host_ifname,
          .target_ns = sb.ns, .ifname = ep.ifname, .macvlan_mode = netlink::MacvlanMode::kBridge,
          .ipvlan_mode = ipvlan_mode(net.spec).value_or(netlink::IpvlanMode::kL2)};
}

Result<void> IpvlanDriver::attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) {
  NC_TRY_VOID(attach_sublink(exec_, host, sb, ep, request(net, sb, ep)));
  route(net.spec, ep);
  return {};
}

void IpvlanDriver::route(const api::NetworkSpec& spec, EndpointState& ep) {
  if (ipvlan_mode(spec).value_or(netlink::IpvlanMode::kL2) != netlink::IpvlanMode::kL3) return;
  ep.gateway.reset();
  ep.default_dev = true;
}

Result<void> IpvlanDriver::detach(HostContext&, NetworkState&, SandboxContext& sb, EndpointState& ep) {
  return sb.rtnl->delete_link(ep.ifname);
}

}  // namespace nc::drivers
