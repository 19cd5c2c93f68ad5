#include "netimpl/drivers/driver.h"

namespace nc::drivers {

std::optional<netlink::RouteSpec> default_route(const std::vector<EndpointState>& endpoints) {
  for (auto& e : endpoints)
    if (e.gateway || e.default_dev) return netlink::RouteSpec{.dst = Prefix(IpAddr{}, 0), .gateway = e.gateway, .dev = e.ifname};
  return std::nullopt;
}

}  // namespace nc::drivers
