#include "harness/kernel/link_probes.h"

namespace nc::kernel {
namespace {

// Creation succeeding is the kernel's word; reading the link back confirms it has the kind
// we asked for (a kernel that silently made something else would not do).
Result<std::string> confirm(netlink::Rtnl& rtnl, std::string_view name, std::string_view kind) {
  auto link = NC_TRY_CTX(rtnl.find_link(name), "read back {} {}", kind, name);
  if (!link) return failf("read back {} {}: created, then not found", kind, name);
  if (link->kind != kind) return failf("read back {} {}: kind is '{}'", kind, name, link->kind);
  return fmt::format("created {} {}", kind, name);
}

}  // namespace

Result<std::string> probe_veth(netlink::Rtnl& rtnl) {
  NC_TRY_VOID(rtnl.create_veth({.name = kProbeVeth, .peer = "ncp-veth1"}));
  return confirm(rtnl, kProbeVeth, "veth");
}

Result<std::string> probe_bridge(netlink::Rtnl& rtnl) {
  NC_TRY_VOID(rtnl.create_bridge("ncp-br0"));
  return confirm(rtnl, "ncp-br0", "bridge");
}

Result<std::string> probe_vxlan(netlink::Rtnl& rtnl) {
  NC_TRY_VOID(rtnl.create_vxlan({.name = "ncp-vx0", .vni = 42}));
  return confirm(rtnl, "ncp-vx0", "vxlan");
}

Result<std::string> probe_macvlan(netlink::Rtnl& rtnl) {
  NC_TRY_VOID(rtnl.create_macvlan("ncp-mv0", kProbeVeth, netlink::MacvlanMode::kBridge));
  return confirm(rtnl, "ncp-mv0", "macvlan");
}

Result<std::string> probe_ipvlan(netlink::Rtnl& rtnl) {
  // Its own parent: kProbeVeth carries the macvlan, and would answer EBUSY.
  NC_TRY_VOID(rtnl.create_veth({.name = kProbeIpvlanParent, .peer = "ncp-veth3"}));
  NC_TRY_VOID(rtnl.create_ipvlan("ncp-iv0", kProbeIpvlanParent, netlink::IpvlanMode::kL2));
  return confirm(rtnl, "ncp-iv0", "ipvlan");
}

}  // namespace nc::kernel
