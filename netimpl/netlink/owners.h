// Owners for libnl objects: each unique_ptr releases its object with the matching libnl
// free/put function exactly once. Internal to netimpl/netlink.
#pragma once

#include <memory>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

namespace nc::netlink {

template <class T, void (*Release)(T*)>
struct NlRelease {
  void operator()(T* p) const {
    if (p) Release(p);
  }
};

using LinkPtr = std::unique_ptr<rtnl_link, NlRelease<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<rtnl_addr, NlRelease<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, NlRelease<rtnl_route, rtnl_route_put>>;
using NeighPtr = std::unique_ptr<rtnl_neigh, NlRelease<rtnl_neigh, rtnl_neigh_put>>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlRelease<nl_addr, nl_addr_put>>;
using CachePtr = std::unique_ptr<nl_cache, NlRelease<nl_cache, nl_cache_free>>;
using MsgPtr = std::unique_ptr<nl_msg, NlRelease<nl_msg, nlmsg_free>>;
using CbPtr = std::unique_ptr<nl_cb, NlRelease<nl_cb, nl_cb_put>>;

}  // namespace nc::netlink
