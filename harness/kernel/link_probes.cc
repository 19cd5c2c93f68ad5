#include "harness/kernel/link_probes.h"

#include <sys/utsname.h>

#include <filesystem>
#include <fstream>

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

// sch_netem is a loadable module of the running kernel (modules.dep names it) and is not
// loaded (/sys/module/sch_netem absent).
bool netem_module_unloaded() {
  utsname u{};
  if (::uname(&u) != 0) return false;
  std::ifstream dep(fmt::format("/lib/modules/{}/modules.dep", u.release));
  std::string line;
  bool is_module = false;
  while (!is_module && std::getline(dep, line)) is_module = line.find("/sch_netem.ko") != std::string::npos && line.find("/sch_netem.ko") < line.find(':');
  std::error_code ec;
  return is_module && !std::filesystem::exists("/sys/module/sch_netem", ec);
}

}  // namespace

Result<std::string> probe_netem(netlink::Rtnl& rtnl) {
  if (netem_module_unloaded())
    return fail("sch_netem is a module of this kernel that is not loaded (netconform loads no modules: modprobe sch_netem)", EAGAIN);
  NC_TRY_VOID(rtnl.set_netem_delay(kProbeVeth, 1));
  auto delay = NC_TRY_CTX(rtnl.netem_delay(kProbeVeth), "read back netem on {}", kProbeVeth);
  if (delay != 1) return failf("read back netem on {}: created, then not found", kProbeVeth);
  return fmt::format("created netem qdisc (delay 1 ms) on {}", kProbeVeth);
}

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
