// Rtnl: static FDB and neighbour entries (the overlay driver's control plane).
#include <linux/neighbour.h>
#include <sys/socket.h>

#include <algorithm>

#include "netimpl/netlink/convert.h"
#include "netimpl/netlink/link_ops.h"
#include "netimpl/netlink/request.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

Result<NeighPtr> permanent_entry(int ifindex, std::string_view mac, const IpAddr& ip) {
  NeighPtr n(rtnl_neigh_alloc());
  NlAddrPtr dst = to_nl(ip);
  if (!n || !dst) return fail("allocate neighbour", ENOMEM);
  NlAddrPtr ll = NC_TRY(mac_to_nl(mac));
  rtnl_neigh_set_ifindex(n.get(), ifindex);
  rtnl_neigh_set_lladdr(n.get(), ll.get());
  NC_TRY_VOID(nl_ok(rtnl_neigh_set_dst(n.get(), dst.get())));
  rtnl_neigh_set_state(n.get(), NUD_PERMANENT);
  return n;
}

bool all_zero(const nl_addr* a) {
  auto* b = static_cast<const uint8_t*>(nl_addr_get_binary_addr(a));
  return std::all_of(b, b + nl_addr_get_len(a), [](uint8_t x) { return x == 0; });
}

}  // namespace

Result<void> Rtnl::add_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) {
  auto ctx = [&] { return fmt::format("add fdb {} dst {} on {} in netns {}", mac, dst, ifname, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  NeighPtr n = NC_TRY_CTX(permanent_entry(index, mac, dst), "{}", ctx());
  // An FDB entry of the VXLAN device itself (NTF_SELF), not of a bridge it may be in.
  rtnl_neigh_set_family(n.get(), AF_BRIDGE);
  rtnl_neigh_set_flags(n.get(), NTF_SELF);
  // The all-zero MAC is the flood list: each VTEP is one more destination of it.
  int mode = all_zero(rtnl_neigh_get_lladdr(n.get())) ? NLM_F_APPEND : NLM_F_REPLACE;
  NC_TRY_VOID_CTX(
      request(sock_.get(), [&](nl_msg** m) { return rtnl_neigh_build_add_request(n.get(), NLM_F_CREATE | mode, m); }),
      "{}", ctx());
  return {};
}

Result<void> Rtnl::add_neigh(std::string_view ifname, const IpAddr& ip, std::string_view mac) {
  auto ctx = [&] { return fmt::format("add neighbour {} lladdr {} on {} in netns {}", ip, mac, ifname, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  NeighPtr n = NC_TRY_CTX(permanent_entry(index, mac, ip), "{}", ctx());
  NC_TRY_VOID_CTX(
      request(sock_.get(), [&](nl_msg** m) { return rtnl_neigh_build_add_request(n.get(), NLM_F_CREATE | NLM_F_REPLACE, m); }),
      "{}", ctx());
  return {};
}

namespace {
// Gone already (the entry, or its device with it): what a delete wants.
bool gone(const Error& e) { return e.sys_errno() == ENOENT || e.sys_errno() == ENODEV; }
}  // namespace

Result<void> Rtnl::del_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) {
  auto ctx = [&] { return fmt::format("delete fdb {} dst {} on {} in netns {}", mac, dst, ifname, ns_name_); };
  auto index = index_of(sock_.get(), ifname);
  if (!index && gone(index.error())) return {};
  if (!index) return std::unexpected(std::move(index).error().context(ctx()));
  NeighPtr n = NC_TRY_CTX(permanent_entry(*index, mac, dst), "{}", ctx());
  rtnl_neigh_set_family(n.get(), AF_BRIDGE);
  rtnl_neigh_set_flags(n.get(), NTF_SELF);
  auto r = request(sock_.get(), [&](nl_msg** m) { return rtnl_neigh_build_delete_request(n.get(), 0, m); });
  if (!r && !gone(r.error())) return std::unexpected(std::move(r).error().context(ctx()));
  return {};
}

Result<void> Rtnl::del_neigh(std::string_view ifname, const IpAddr& ip) {
  auto ctx = [&] { return fmt::format("delete neighbour {} on {} in netns {}", ip, ifname, ns_name_); };
  auto index = index_of(sock_.get(), ifname);
  if (!index && gone(index.error())) return {};
  if (!index) return std::unexpected(std::move(index).error().context(ctx()));
  NeighPtr n(rtnl_neigh_alloc());
  NlAddrPtr dst = to_nl(ip);
  if (!n || !dst) return failf("{}: out of memory", ctx());
  rtnl_neigh_set_ifindex(n.get(), *index);
  NC_TRY_VOID_CTX(nl_ok(rtnl_neigh_set_dst(n.get(), dst.get())), "{}", ctx());
  auto r = request(sock_.get(), [&](nl_msg** m) { return rtnl_neigh_build_delete_request(n.get(), 0, m); });
  if (!r && !gone(r.error())) return std::unexpected(std::move(r).error().context(ctx()));
  return {};
}

Result<int> Rtnl::flush_neighbours() {
  auto ctx = [&] { return fmt::format("flush neighbours in netns {}", ns_name_); };
  nl_cache* raw = nullptr;
  NC_TRY_VOID_CTX(nl_ok(rtnl_neigh_alloc_cache(sock_.get(), &raw)), "{}", ctx());
  std::unique_ptr<nl_cache, decltype(&nl_cache_free)> cache(raw, &nl_cache_free);
  std::vector<NeighPtr> learned;
  for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
    auto* n = reinterpret_cast<rtnl_neigh*>(o);
    int family = rtnl_neigh_get_family(n);
    if (family != AF_INET && family != AF_INET6) continue;  // bridge FDB entries are the runtime's
    if (rtnl_neigh_get_state(n) & (NUD_PERMANENT | NUD_NOARP)) continue;
    nl_object_get(o);
    learned.emplace_back(n);
  }
  int deleted = 0;
  for (auto& n : learned) {
    auto r = request(sock_.get(), [&](nl_msg** m) { return rtnl_neigh_build_delete_request(n.get(), 0, m); });
    if (r) ++deleted;
    else if (!gone(r.error())) return std::unexpected(std::move(r).error().context(ctx()));
  }
  return deleted;
}

}  // namespace nc::netlink
