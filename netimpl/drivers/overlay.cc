#include "netimpl/drivers/overlay.h"

#include <functional>

#include "netimpl/base/undo.h"

namespace nc::drivers {

std::string OverlayDriver::link_name(std::string_view prefix, std::string_view network) {
  bool safe = network.size() <= 12;
  for (char c : network) safe = safe && (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  if (safe) return fmt::format("{}-{}", prefix, network);
  return fmt::format("{}-{:012x}", prefix, std::hash<std::string_view>{}(network) & 0xffffffffffffULL);
}

Result<void> OverlayDriver::validate(const api::NetworkSpec& spec) const {
  if (!spec.parent.empty()) return failf("network {}: option parent is not supported by driver overlay", spec.name);
  if (!spec.mode.empty()) return failf("network {}: option mode is not supported by driver overlay", spec.name);
  if (!spec.icc) return failf("network {}: option icc is not supported by driver overlay", spec.name);
  if (spec.mtu != 0 && (spec.mtu < 68 || spec.mtu > 65535))
    return failf("network {}: mtu {} is out of range 68-65535", spec.name, spec.mtu);
  return {};
}

Result<OverlayDriver::Underlay> OverlayDriver::underlay(HostContext& host) {
  Underlay u;
  auto link = NC_TRY(host.rtnl->find_link(kUnderlayIfname));
  if (!link) return u;
  u.mtu = link->mtu;
  for (auto& a : NC_TRY(host.rtnl->addresses()))
    if (a.ifname == kUnderlayIfname && a.prefix.addr().is_v4()) u.vtep = a.prefix.addr();
  return u;
}

int OverlayDriver::mtu_of(const NetworkState& net) const {
  auto it = mtus_.find(net.spec.name);
  return it == mtus_.end() ? 1500 - kVxlanOverhead : it->second;
}

Result<void> OverlayDriver::create_network(HostContext& host, NetworkState& net) {
  auto& rtnl = *host.rtnl;
  auto ul = NC_TRY(underlay(host));
  int mtu = net.spec.mtu != 0 ? net.spec.mtu : ul.mtu - kVxlanOverhead;
  const std::string br = link_name("ov", net.spec.name), vx = link_name("vx", net.spec.name);
  UndoList undo;
  NC_TRY_VOID(rtnl.create_bridge(br, mtu));
  undo.push([&rtnl, br] { (void)rtnl.delete_link(br); });
  NC_TRY_VOID(rtnl.create_vxlan({.name = vx, .vni = control_->vni(net.spec.name), .local = ul.vtep,
                                 .underlay_dev = ul.vtep ? std::string(kUnderlayIfname) : "", .port = 4789,
                                 .mtu = mtu, .learning = false}));
  undo.push([&rtnl, vx] { (void)rtnl.delete_link(vx); });
  NC_TRY_VOID(rtnl.set_master(vx, br));
  NC_TRY_VOID(rtnl.set_up(vx));
  NC_TRY_VOID(rtnl.set_up(br));
  NC_TRY_VOID(control_->join(net.spec.name, {.rtnl = host.rtnl, .vxlan = vx, .vtep = ul.vtep}));
  // The gateway stays reserved in IPAM (as Docker's does) but is on no link: the bridge
  // carries no address, and attach() gives containers no route through it.
  mtus_[net.spec.name] = mtu;
  undo.commit();
  return {};
}

Result<void> OverlayDriver::remove_network(HostContext& host, NetworkState& net) {
  auto entries = control_->leave(net.spec.name, host.rtnl);
  mtus_.erase(net.spec.name);
  auto a = host.rtnl->delete_link(link_name("vx", net.spec.name));
  auto b = host.rtnl->delete_link(link_name("ov", net.spec.name));
  return !entries ? entries : !a ? a : b;
}

Result<void> OverlayDriver::attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) {
  auto& rtnl = *host.rtnl;
  int mtu = mtu_of(net);
  ep.mac = derived_mac(ep.ip);
  NC_TRY_VOID(rtnl.create_veth({.name = ep.host_ifname, .peer = ep.ifname, .peer_ns = sb.ns, .mtu = mtu,
                                .master = link_name("ov", net.spec.name), .up = true, .peer_mac = ep.mac}));
  UndoList undo;
  undo.push([&rtnl, h = ep.host_ifname] { (void)rtnl.delete_link(h); });
  NC_TRY_VOID(sb.rtnl->add_address(ep.ifname, Prefix(ep.ip, ep.prefix_len)));
  NC_TRY_VOID(sb.rtnl->set_up(ep.ifname));
  if (ep.mac.empty()) {  // the kernel chose it
    auto link = NC_TRY(sb.rtnl->find_link(ep.ifname));
    if (!link) return failf("attach {} to overlay {}: {} vanished", sb.name, net.spec.name, ep.ifname);
    ep.mac = link->mac;
  }
  NC_TRY_VOID(control_->add_endpoint(net.spec.name, {.host = host.rtnl, .mac = ep.mac, .ip = ep.ip}));
  ep.gateway.reset();
  undo.commit();
  return {};
}

Result<void> OverlayDriver::detach(HostContext& host, NetworkState& net, SandboxContext&, EndpointState& ep) {
  auto entries = control_->remove_endpoint(net.spec.name, ep.ip);
  auto link = host.rtnl->delete_link(ep.host_ifname);
  return entries ? link : entries;
}

}  // namespace nc::drivers
