#include "netimpl/drivers/sublink.h"

#include "netimpl/base/undo.h"

namespace nc::drivers {

SubLinkExecutor rtnl_executor() {
  return [](netlink::Rtnl* rtnl, const SubLinkRequest& r) -> Result<void> {
    if (r.kind == SubLinkRequest::Kind::kMacvlan)
      return rtnl->create_macvlan(r.temp_name, r.parent, r.macvlan_mode, r.target_ns, r.ifname);
    return rtnl->create_ipvlan(r.temp_name, r.parent, r.ipvlan_mode, r.target_ns, r.ifname);
  };
}

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

Result<void> validate_sublink_spec(const api::NetworkSpec& spec, std::string_view driver) {
  // Docker creates a dummy parent when none is given; this kernel has no dummy links.
  if (spec.parent.empty()) return failf("network {}: option parent is required by driver {}", spec.name, driver);
  if (spec.internal) return failf("network {}: option internal is not supported by driver {}", spec.name, driver);
  if (!spec.icc) return failf("network {}: option icc is not supported by driver {}", spec.name, driver);
  if (spec.mtu != 0) return failf("network {}: option mtu is not supported by driver {} (the parent's applies)", spec.name, driver);
  return {};
}

Result<void> check_parent(HostContext& host, const api::NetworkSpec& spec) {
  auto link = NC_TRY(host.rtnl->find_link(spec.parent));
  if (!link)
    return failf("network {}: option parent: link {} does not exist in netns {}", spec.name, spec.parent,
                 host.rtnl->ns_name());
  return {};
}

Result<void> attach_sublink(const SubLinkExecutor& exec, HostContext& host, SandboxContext& sb, EndpointState& ep,
                            const SubLinkRequest& req) {
  NC_TRY_VOID(exec(host.rtnl, req));
  UndoList undo;
  undo.push([&sb, n = ep.ifname] { (void)sb.rtnl->delete_link(n); });
  NC_TRY_VOID(sb.rtnl->add_address(ep.ifname, Prefix(ep.ip, ep.prefix_len)));
  NC_TRY_VOID(sb.rtnl->set_up(ep.ifname));
  // The child lives in the container's namespace only: nothing to wait for on the host.
  ep.host_ifname.clear();
  undo.commit();
  return {};
}

}  // namespace nc::drivers
