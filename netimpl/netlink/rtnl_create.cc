// Rtnl: creating links. Each create is one RTM_NEWLINK (plus a lookup when a parent or
// master is named), so a failure leaves nothing behind; a macvlan or ipvlan for another
// namespace takes a second request, the move, and is deleted when that fails.
#include <linux/if_link.h>
#include <net/if.h>

#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vxlan.h>

#include "netimpl/netlink/convert.h"
#include "netimpl/netlink/link_ops.h"
#include "netimpl/netlink/request.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

Result<LinkPtr> alloc(rtnl_link* raw) {
  if (!raw) return fail("allocate link", ENOMEM);
  return LinkPtr(raw);
}

void name_and_mtu(rtnl_link* l, std::string_view name, int mtu) {
  rtnl_link_set_name(l, std::string(name).c_str());
  if (mtu > 0) rtnl_link_set_mtu(l, static_cast<unsigned>(mtu));
}

Result<void> in_ns(rtnl_link* l, const Namespaces* ns) {
  if (!ns) return {};
  if (!ns->has(kNsNet)) return fail(fmt::format("netns {}: no network namespace held", ns->name()), EINVAL);
  rtnl_link_set_ns_fd(l, ns->fd(kNsNet));
  return {};
}

uint32_t macvlan_mode(MacvlanMode m) {
  switch (m) {
    case MacvlanMode::kBridge: return MACVLAN_MODE_BRIDGE;
    case MacvlanMode::kPrivate: return MACVLAN_MODE_PRIVATE;
    case MacvlanMode::kVepa: return MACVLAN_MODE_VEPA;
    case MacvlanMode::kPassthru: return MACVLAN_MODE_PASSTHRU;
  }
  return MACVLAN_MODE_BRIDGE;
}

std::string child_desc(std::string_view kind, std::string_view name, std::string_view parent,
                       const Namespaces* target, std::string_view name_in_target) {
  if (!target) return fmt::format("create {} {} on {}", kind, name, parent);
  return fmt::format("create {} {} on {} (as {} in netns {})", kind, name, parent,
                     name_in_target.empty() ? name : name_in_target, target->name());
}

// A macvlan/ipvlan child for another namespace: created here under `name` (unique here),
// then moved into `target` and renamed on the way, as Docker's drivers do. Not created
// there directly under its final name: kernels before 6.14 look IFLA_IFNAME up in the
// requesting namespace first and answer "File exists" when a link here has that name, as
// the parent eth0 of a container's eth0 does (6.1 and 6.12 refuse it; 6.18 accepts it).
Result<void> move_child(Rtnl& rtnl, std::string_view name, const Namespaces* target, std::string_view name_in_target) {
  if (!target) return {};
  auto moved = rtnl.move_to(name, *target, name_in_target.empty() ? name : name_in_target);
  if (!moved) (void)rtnl.delete_link(name);
  return moved;
}

}  // namespace

Result<void> Rtnl::create_bridge(std::string_view name, int mtu) {
  auto ctx = [&] { return fmt::format("create bridge {} in netns {}", name, ns_name_); };
  LinkPtr l = NC_TRY_CTX(alloc(rtnl_link_alloc()), "{}", ctx());
  NC_TRY_VOID_CTX(nl_ok(rtnl_link_set_type(l.get(), "bridge")), "{}", ctx());
  name_and_mtu(l.get(), name, mtu);
  NC_TRY_VOID_CTX(add_link(sock_.get(), l.get()), "{}", ctx());
  return {};
}

Result<void> Rtnl::create_veth(const VethSpec& spec) {
  auto ctx = [&] {
    return fmt::format("create veth {}/{}{} in netns {}", spec.name, spec.peer,
                       spec.peer_ns ? fmt::format(" (peer in netns {})", spec.peer_ns->name()) : "", ns_name_);
  };
  LinkPtr l = NC_TRY_CTX(alloc(rtnl_link_veth_alloc()), "{}", ctx());
  name_and_mtu(l.get(), spec.name, spec.mtu);
  if (spec.ifindex > 0) rtnl_link_set_ifindex(l.get(), spec.ifindex);
  if (spec.up) rtnl_link_set_flags(l.get(), IFF_UP);
  if (!spec.master.empty()) {
    int master = NC_TRY_CTX(index_of(sock_.get(), spec.master), "{}: master {}", ctx(), spec.master);
    rtnl_link_set_master(l.get(), master);
  }
  // The peer is created straight inside peer_ns (IFLA_NET_NS_FD in the peer's own
  // attributes): one request, and the peer never exists under its name here.
  LinkPtr peer(rtnl_link_veth_get_peer(l.get()));
  name_and_mtu(peer.get(), spec.peer, spec.mtu);
  if (!spec.peer_mac.empty()) {
    auto mac = NC_TRY_CTX(mac_to_nl(spec.peer_mac), "{}", ctx());
    rtnl_link_set_addr(peer.get(), mac.get());
  }
  if (spec.peer_ifindex > 0) rtnl_link_set_ifindex(peer.get(), spec.peer_ifindex);
  NC_TRY_VOID_CTX(in_ns(peer.get(), spec.peer_ns), "{}", ctx());
  NC_TRY_VOID_CTX(add_link(sock_.get(), l.get()), "{}", ctx());
  return {};
}

Result<void> Rtnl::create_vxlan(const VxlanSpec& spec) {
  auto ctx = [&] { return fmt::format("create vxlan {} (vni {}) in netns {}", spec.name, spec.vni, ns_name_); };
  if (spec.vni >= (1u << 24)) return std::unexpected(Error("VNI must be below 2^24", EINVAL).context(ctx()));
  LinkPtr l = NC_TRY_CTX(alloc(rtnl_link_vxlan_alloc()), "{}", ctx());
  name_and_mtu(l.get(), spec.name, spec.mtu);
  NC_TRY_VOID_CTX(nl_ok(rtnl_link_vxlan_set_id(l.get(), spec.vni)), "{}", ctx());
  NC_TRY_VOID_CTX(nl_ok(rtnl_link_vxlan_set_port(l.get(), spec.port)), "{}", ctx());
  NC_TRY_VOID_CTX(nl_ok(rtnl_link_vxlan_set_learning(l.get(), spec.learning ? 1 : 0)), "{}", ctx());
  if (spec.local) NC_TRY_VOID_CTX(nl_ok(rtnl_link_vxlan_set_local(l.get(), to_nl(*spec.local).get())), "{}", ctx());
  if (!spec.underlay_dev.empty()) {
    int underlay = NC_TRY_CTX(index_of(sock_.get(), spec.underlay_dev), "{}: underlay {}", ctx(), spec.underlay_dev);
    NC_TRY_VOID_CTX(nl_ok(rtnl_link_vxlan_set_link(l.get(), static_cast<uint32_t>(underlay))), "{}", ctx());
  }
  NC_TRY_VOID_CTX(add_link(sock_.get(), l.get()), "{}", ctx());
  return {};
}

Result<void> Rtnl::create_macvlan(std::string_view name, std::string_view parent, MacvlanMode mode,
                                  const Namespaces* target_ns, std::string_view name_in_target) {
  auto ctx = [&] { return fmt::format("{} in netns {}", child_desc("macvlan", name, parent, target_ns, name_in_target), ns_name_); };
  LinkPtr l = NC_TRY_CTX(alloc(rtnl_link_macvlan_alloc()), "{}", ctx());
  NC_TRY_VOID_CTX(nl_ok(rtnl_link_macvlan_set_mode(l.get(), macvlan_mode(mode))), "{}", ctx());
  int parent_index = NC_TRY_CTX(index_of(sock_.get(), parent), "{}: parent {}", ctx(), parent);
  rtnl_link_set_link(l.get(), parent_index);
  name_and_mtu(l.get(), name, 0);
  NC_TRY_VOID_CTX(add_link(sock_.get(), l.get()), "{}", ctx());
  NC_TRY_VOID_CTX(move_child(*this, name, target_ns, name_in_target), "{}", ctx());
  return {};
}

Result<void> Rtnl::create_ipvlan(std::string_view name, std::string_view parent, IpvlanMode mode,
                                 const Namespaces* target_ns, std::string_view name_in_target) {
  auto ctx = [&] { return fmt::format("{} in netns {}", child_desc("ipvlan", name, parent, target_ns, name_in_target), ns_name_); };
  LinkPtr l = NC_TRY_CTX(alloc(rtnl_link_ipvlan_alloc()), "{}", ctx());
  NC_TRY_VOID_CTX(nl_ok(rtnl_link_ipvlan_set_mode(l.get(), mode == IpvlanMode::kL3 ? IPVLAN_MODE_L3 : IPVLAN_MODE_L2)),
                  "{}", ctx());
  int parent_index = NC_TRY_CTX(index_of(sock_.get(), parent), "{}: parent {}", ctx(), parent);
  rtnl_link_set_link(l.get(), parent_index);
  name_and_mtu(l.get(), name, 0);
  auto r = add_link(sock_.get(), l.get());
  // Without CONFIG_IPVLAN the kernel answers EOPNOTSUPP ("Unknown device type").
  if (!r && r.error().sys_errno() == EOPNOTSUPP)
    return std::unexpected(r.error().context("kernel lacks ipvlan (CONFIG_IPVLAN)").context(ctx()));
  if (!r) return std::unexpected(std::move(r).error().context(ctx()));
  NC_TRY_VOID_CTX(move_child(*this, name, target_ns, name_in_target), "{}", ctx());
  return {};
}

}  // namespace nc::netlink
