#include "netimpl/drivers/bridge.h"

#include <functional>

namespace nc::drivers {

std::string BridgeDriver::bridge_name(std::string_view network) {
  if (network == api::kDefaultBridge) return "docker0";
  bool safe = network.size() <= 12;
  for (char c : network) safe = safe && (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  if (safe) return fmt::format("br-{}", network);
  return fmt::format("br-{:012x}", std::hash<std::string_view>{}(network) & 0xffffffffffffULL);
}

Result<void> BridgeDriver::validate(const api::NetworkSpec& spec) const {
  if (!spec.parent.empty()) return failf("network {}: option parent is not supported by driver bridge", spec.name);
  if (!spec.mode.empty()) return failf("network {}: option mode is not supported by driver bridge", spec.name);
  if (spec.mtu != 0 && (spec.mtu < 68 || spec.mtu > 65535))
    return failf("network {}: mtu {} is out of range 68-65535", spec.name, spec.mtu);
  return {};
}

Result<void> BridgeDriver::create_network(HostContext& host, NetworkState& net) {
  auto& rtnl = *host.rtnl;
  const std::string br = bridge_name(net.spec.name);
  UndoList undo;
  NC_TRY_VOID(rtnl.create_bridge(br, net.spec.mtu));
  undo.push([&rtnl, br] { (void)rtnl.delete_link(br); });
  if (net.info.gateway) NC_TRY_VOID(rtnl.add_address(br, Prefix(*net.info.gateway, net.info.subnet.len())));
  if (net.info.gateway6) {
    NC_TRY_VOID(rtnl.add_address(br, Prefix(*net.info.gateway6, net.info.subnet6->len())));
    // No DAD for the bridge's link-local address either. While it is tentative (a second
    // or two after link-up) the kernel sends no neighbour solicitation for a packet whose
    // source is not an address of the bridge (ndisc_send_ns finds no usable link-local
    // source and gives up): DNATed and forwarded IPv6 to containers would stall until DAD
    // ends. Set before link-up, when the link-local address is made.
    if (host.ns) NC_TRY_VOID(netlink::write_sysctl(*host.ns, fmt::format("net/ipv6/conf/{}/accept_dad", br), "0"));
  }
  NC_TRY_VOID(rtnl.set_up(br));
  net.info.bridge = br;
  undo.commit();
  return {};
}

Result<void> BridgeDriver::remove_network(HostContext& host, NetworkState& net) {
  return host.rtnl->delete_link(net.info.bridge);
}

Result<void> BridgeDriver::attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) {
  auto& rtnl = *host.rtnl;
  // One request creates both ends, the peer directly inside the container's namespace and
  // the host end already enslaved to the bridge and up.
  ep.mac = derived_mac(ep.ip);
  NC_TRY_VOID(rtnl.create_veth({.name = ep.host_ifname, .peer = ep.ifname, .peer_ns = sb.ns, .mtu = net.spec.mtu,
                                .master = net.info.bridge, .up = true, .peer_mac = ep.mac}));
  UndoList undo;
  undo.push([&rtnl, h = ep.host_ifname] { (void)rtnl.delete_link(h); });
  // Hairpin, as Docker without its userland proxy: with br_netfilter on, a container's
  // packet to its own published port is DNATed at the bridge and bridged straight back
  // out of the port it came in on, which a bridge refuses unless the port is in hairpin mode.
  NC_TRY_VOID(rtnl.set_hairpin(ep.host_ifname, true));
  NC_TRY_VOID(sb.rtnl->add_address(ep.ifname, Prefix(ep.ip, ep.prefix_len)));
  if (ep.ip6) NC_TRY_VOID(sb.rtnl->add_address(ep.ifname, Prefix(*ep.ip6, ep.prefix_len6)));
  NC_TRY_VOID(sb.rtnl->set_up(ep.ifname));
  undo.commit();
  return {};
}

Result<void> BridgeDriver::detach(HostContext& host, NetworkState&, SandboxContext&, EndpointState& ep) {
  // Deleting one end of a veth deletes both.
  return host.rtnl->delete_link(ep.host_ifname);
}

}  // namespace nc::drivers
