#include "netimpl/drivers/driver.h"

namespace nc::drivers {

std::optional<netlink::RouteSpec> default_route(const std::vector<EndpointState>& endpoints, int family) {
  if (family == AF_INET6) {
    for (auto& e : endpoints)
      if (e.gateway6) return netlink::RouteSpec{.dst = Prefix(*IpAddr::parse("::"), 0), .gateway = e.gateway6, .dev = e.ifname};
    return std::nullopt;
  }
  for (auto& e : endpoints)
    if (e.gateway || e.default_dev) return netlink::RouteSpec{.dst = Prefix(IpAddr{}, 0), .gateway = e.gateway, .dev = e.ifname};
  return std::nullopt;
}

}  // namespace nc::drivers
