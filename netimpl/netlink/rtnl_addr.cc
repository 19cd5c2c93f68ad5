// Rtnl: interface addresses.
#include <linux/if_addr.h>

#include "netimpl/netlink/convert.h"
#include "netimpl/netlink/link_ops.h"
#include "netimpl/netlink/request.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

Result<AddrPtr> addr_on(int ifindex, const Prefix& p) {
  AddrPtr a(rtnl_addr_alloc());
  NlAddrPtr local = to_nl(p.addr(), p.len());
  if (!a || !local) return fail("allocate address", ENOMEM);
  rtnl_addr_set_ifindex(a.get(), ifindex);
  rtnl_addr_set_family(a.get(), p.addr().family());
  NC_TRY_VOID(nl_ok(rtnl_addr_set_local(a.get(), local.get())));
  rtnl_addr_set_prefixlen(a.get(), p.len());
  return a;
}

}  // namespace

Result<void> Rtnl::add_address(std::string_view ifname, const Prefix& addr) { return add_address(ifname, addr, false); }

Result<void> Rtnl::add_service_address(std::string_view ifname, const Prefix& addr) { return add_address(ifname, addr, true); }

Result<void> Rtnl::add_address(std::string_view ifname, const Prefix& addr, bool never_source) {
  auto ctx = [&] { return fmt::format("add address {} to {} in netns {}", addr, ifname, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  AddrPtr a = NC_TRY_CTX(addr_on(index, addr), "{}", ctx());
  // Like `ip addr add ... brd +` and Docker: IPv4 gets its broadcast address; IPv6 skips
  // duplicate address detection, which would keep the address unusable ("tentative")
  // for a second or more after the container starts.
  if (addr.addr().is_v4() && addr.len() < 31)
    NC_TRY_VOID_CTX(nl_ok(rtnl_addr_set_broadcast(a.get(), to_nl(addr.broadcast()).get())), "{}", ctx());
  if (addr.addr().is_v6()) rtnl_addr_set_flags(a.get(), IFA_F_NODAD);
  if (addr.addr().is_v6() && never_source) {
    // Deprecated (preferred lifetime 0) but valid for ever: it still receives and can be
    // bound, and source address selection passes over it (RFC 6724, rule 3).
    rtnl_addr_set_preferred_lifetime(a.get(), 0);
    rtnl_addr_set_valid_lifetime(a.get(), 0xffffffffu);
  }
  NC_TRY_VOID_CTX(request(sock_.get(), [&](nl_msg** m) { return rtnl_addr_build_add_request(a.get(), NLM_F_EXCL, m); }),
                  "{}", ctx());
  return {};
}

Result<void> Rtnl::del_address(std::string_view ifname, const Prefix& addr) {
  auto ctx = [&] { return fmt::format("delete address {} from {} in netns {}", addr, ifname, ns_name_); };
  auto index = index_of(sock_.get(), ifname);
  if (!index && index.error().sys_errno() == ENODEV) return {};
  if (!index) return std::unexpected(std::move(index).error().context(ctx()));
  AddrPtr a = NC_TRY_CTX(addr_on(*index, addr), "{}", ctx());
  auto r = request(sock_.get(), [&](nl_msg** m) { return rtnl_addr_build_delete_request(a.get(), 0, m); });
  if (!r && r.error().sys_errno() != EADDRNOTAVAIL) return std::unexpected(std::move(r).error().context(ctx()));
  return {};
}

Result<std::vector<AddrInfo>> Rtnl::addresses() {
  auto ctx = [&] { return fmt::format("list addresses in netns {}", ns_name_); };
  auto names = NC_TRY_CTX(link_names(sock_.get()), "{}", ctx());
  std::vector<AddrInfo> out;
  NC_TRY_VOID_CTX(dump(sock_.get(), RTM_GETADDR, AF_UNSPEC,
                       [&](nl_object* o) {
                         auto* a = reinterpret_cast<rtnl_addr*>(o);
                         nl_addr* local = rtnl_addr_get_local(a);
                         if (!local) return;
                         out.push_back({names[rtnl_addr_get_ifindex(a)], Prefix(ip_of(local), rtnl_addr_get_prefixlen(a))});
                       }),
                  "{}", ctx());
  return out;
}

}  // namespace nc::netlink
