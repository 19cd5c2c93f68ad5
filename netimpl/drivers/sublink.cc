#include "netimpl/drivers/sublink.h"

#include "netimpl/base/undo.h"

namespace nc::drivers {
namespace {

Result<netlink::MacvlanMode> macvlan_mode(const api::NetworkSpec& spec) {
  using M = netlink::MacvlanMode;
  if (spec.mode.empty() || spec.mode == "bridge") return M::kBridge;
  if (spec.mode == "private") return M::kPrivate;
  if (spec.mode == "vepa") return M::kVepa;
  return failf("network {}: option mode {} is not supported by driver macvlan (bridge, private, vepa)", spec.name,
               spec.mode);
}

Result<netlink::IpvlanMode> ipvlan_mode(const api::NetworkSpec& spec) {
  using M = netlink::IpvlanMode;
  if (spec.mode.empty() || spec.mode == "l2") return M::kL2;
  if (spec.mode == "l3") return M::kL3;
  return failf("network {}: option mode {} is not supported by driver ipvlan (l2, l3)", spec.name, spec.mode);
}

}  // namespace

SubLinkExecutor rtnl_executor() {
  return [](netlink::Links* rtnl, const SubLinkRequest& r) -> Result<void> {
    if (r.kind == SubLinkRequest::Kind::kMacvlan)
      return rtnl->create_macvlan(r.temp_name, r.parent, r.macvlan_mode, r.target_ns, r.ifname);
    return rtnl->create_ipvlan(r.temp_name, r.parent, r.ipvlan_mode, r.target_ns, r.ifname);
  };
}

Result<void> SubLinkDriver::validate(const api::NetworkSpec& spec) const {
  auto refuse = [&](std::string_view option, std::string_view why = "") {
    return failf("network {}: option {} is not supported by driver {}{}", spec.name, option, name(), why);
  };
  // Docker creates a dummy parent when none is given; this kernel has no dummy links.
  if (spec.parent.empty()) return failf("network {}: option parent is required by driver {}", spec.name, name());
  if (spec.internal) return refuse("internal");
  if (!spec.icc) return refuse("icc");
  if (spec.mtu != 0) return refuse("mtu", " (the parent's applies)");
  if (kind_ == Kind::kMacvlan) NC_TRY_VOID(macvlan_mode(spec));
  if (kind_ == Kind::kIpvlan) NC_TRY_VOID(ipvlan_mode(spec));
  return {};
}

Result<void> SubLinkDriver::create_network(HostContext& host, NetworkState& net) {
  auto link = NC_TRY(host.rtnl->find_link(net.spec.parent));
  if (!link)
    return failf("network {}: option parent: link {} does not exist in netns {}", net.spec.name, net.spec.parent,
                 host.rtnl->ns_name());
  return {};
}

SubLinkRequest SubLinkDriver::request(const NetworkState& net, const SandboxContext& sb, const EndpointState& ep) const {
  SubLinkRequest r{.kind = kind_, .parent = net.spec.parent, .temp_name = ep.host_ifname, .target_ns = sb.ns,
                   .ifname = ep.ifname};
  if (kind_ == Kind::kMacvlan) r.macvlan_mode = macvlan_mode(net.spec).value_or(netlink::MacvlanMode::kBridge);
  if (kind_ == Kind::kIpvlan) r.ipvlan_mode = ipvlan_mode(net.spec).value_or(netlink::IpvlanMode::kL2);
  return r;
}

void SubLinkDriver::route(const api::NetworkSpec& spec, EndpointState& ep) const {
  if (kind_ != Kind::kIpvlan || ipvlan_mode(spec).value_or(netlink::IpvlanMode::kL2) != netlink::IpvlanMode::kL3) return;
  ep.gateway.reset();
  ep.default_dev = true;
}

Result<void> SubLinkDriver::attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) {
  NC_TRY_VOID(exec_(host.rtnl, request(net, sb, ep)));
  UndoList undo;
  undo.push([&sb, n = ep.ifname] { (void)sb.rtnl->delete_link(n); });
  NC_TRY_VOID(sb.rtnl->add_address(ep.ifname, Prefix(ep.ip, ep.prefix_len)));
  NC_TRY_VOID(sb.rtnl->set_up(ep.ifname));
  // The child lives in the container's namespace only: nothing to wait for on the host.
  ep.host_ifname.clear();
  route(net.spec, ep);
  undo.commit();
  return {};
}

Result<void> SubLinkDriver::detach(HostContext&, NetworkState&, SandboxContext& sb, EndpointState& ep) {
  return sb.rtnl->delete_link(ep.ifname);
}

}  // namespace nc::drivers
