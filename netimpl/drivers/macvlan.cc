#include "netimpl/drivers/macvlan.h"

namespace nc::drivers {

Result<void> MacvlanDriver::validate(const api::NetworkSpec& spec) const {
  NC_TRY_VOID(validate_sublink_spec(spec, "macvlan"));
  NC_TRY_VOID(macvlan_mode(spec));
  return {};
}

Result<void> MacvlanDriver::create_network(HostContext& host, NetworkState& net) {
  return check_parent(host, net.spec);
}

SubLinkRequest MacvlanDriver::request(const NetworkState& net, const SandboxContext& sb, const EndpointState& ep) {
  return {.kind = SubLinkRequest::Kind::kMacvlan, .parent = net.spec.parent, .temp_name = ep.host_ifname,
          .target_ns = sb.ns, .ifname = ep.ifname, .macvlan_mode = macvlan_mode(net.spec).value_or(netlink::MacvlanMode::kBridge),
          .ipvlan_mode = netlink::IpvlanMode::kL2};
}

Result<void> MacvlanDriver::attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) {
  return attach_sublink(exec_, host, sb, ep, request(net, sb, ep));
}

Result<void> MacvlanDriver::detach(HostContext&, NetworkState&, SandboxContext& sb, EndpointState& ep) {
  return sb.rtnl->delete_link(ep.ifname);
}

}  // namespace nc::drivers
