// Rtnl: routes in the main table.
#include <linux/rtnetlink.h>

#include "netimpl/netlink/convert.h"
#include "netimpl/netlink/link_ops.h"
#include "netimpl/netlink/request.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

std::string describe(const RouteSpec& r) {
  std::string s = r.dst.network().str();
  if (r.gateway) s += fmt::format(" via {}", *r.gateway);
  if (!r.dev.empty()) s += fmt::format(" dev {}", r.dev);
  return s;
}

Result<RoutePtr> route_of(const RouteSpec& r, int oif) {
  RoutePtr route(rtnl_route_alloc());
  NlAddrPtr dst = to_nl(r.dst.network().addr(), r.dst.len());
  if (!route || !dst) return fail("allocate route", ENOMEM);
  NC_TRY_VOID(nl_ok(rtnl_route_set_family(route.get(), static_cast<uint8_t>(r.dst.addr().family()))));
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  NC_TRY_VOID(nl_ok(rtnl_route_set_dst(route.get(), dst.get())));
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (!nh) return fail("allocate nexthop", ENOMEM);
  if (r.gateway) rtnl_route_nh_set_gateway(nh, to_nl(*r.gateway).get());
  if (oif > 0) rtnl_route_nh_set_ifindex(nh, oif);
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh now
  return route;
}

// The device's index, 0 when the spec names none.
Result<int> oif_of(nl_sock* sk, const RouteSpec& r) {
  if (r.dev.empty()) return 0;
  return index_of(sk, r.dev);
}

}  // namespace

Result<void> Rtnl::add_route(const RouteSpec& r) {
  auto ctx = [&] { return fmt::format("add route {} in netns {}", describe(r), ns_name_); };
  int oif = NC_TRY_CTX(oif_of(sock_.get(), r), "{}", ctx());
  RoutePtr route = NC_TRY_CTX(route_of(r, oif), "{}", ctx());
  rtnl_route_set_protocol(route.get(), RTPROT_BOOT);  // as `ip route add` does
  NC_TRY_VOID_CTX(
      request(sock_.get(), [&](nl_msg** m) { return rtnl_route_build_add_request(route.get(), NLM_F_CREATE | NLM_F_EXCL, m); }),
      "{}", ctx());
  return {};
}

Result<void> Rtnl::del_route(const RouteSpec& r) {
  auto ctx = [&] { return fmt::format("delete route {} in netns {}", describe(r), ns_name_); };
  auto oif = oif_of(sock_.get(), r);
  if (!oif && oif.error().sys_errno() == ENODEV) return {};  // its device is gone, so is the route
  if (!oif) return std::unexpected(std::move(oif).error().context(ctx()));
  RoutePtr route = NC_TRY_CTX(route_of(r, *oif), "{}", ctx());
  // Wildcards for what the spec does not say, so a route added by anyone matches.
  rtnl_route_set_protocol(route.get(), RTPROT_UNSPEC);
  rtnl_route_set_scope(route.get(), RT_SCOPE_NOWHERE);
  auto res = request(sock_.get(), [&](nl_msg** m) { return rtnl_route_build_del_request(route.get(), 0, m); });
  if (!res && res.error().sys_errno() != ESRCH) return std::unexpected(std::move(res).error().context(ctx()));
  return {};
}

Result<std::vector<RouteInfo>> Rtnl::routes(int family) {
  auto ctx = [&] { return fmt::format("list routes in netns {}", ns_name_); };
  auto names = NC_TRY_CTX(link_names(sock_.get()), "{}", ctx());
  std::vector<RouteInfo> out;
  auto keep = [&](nl_object* o) {
    auto* route = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN || rtnl_route_get_type(route) != RTN_UNICAST) return;
    RouteInfo info{.dst = Prefix(ip_of(rtnl_route_get_dst(route)), nl_addr_get_prefixlen(rtnl_route_get_dst(route)))};
    if (rtnl_route_get_nnexthops(route) > 0) {
      rtnl_nexthop* nh = rtnl_route_nexthop_n(route, 0);
      if (nl_addr* gw = rtnl_route_nh_get_gateway(nh)) info.gateway = ip_of(gw);
      info.dev = names[rtnl_route_nh_get_ifindex(nh)];
    }
    out.push_back(std::move(info));
  };
  NC_TRY_VOID_CTX(dump(sock_.get(), RTM_GETROUTE, family, keep), "{}", ctx());
  return out;
}

}  // namespace nc::netlink
