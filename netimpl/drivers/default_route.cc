#include "netimpl/drivers/driver.h"

namespace nc::drivers {

namespace {

int gateways(const EndpointState& e) { return (e.gateway || e.default_dev ? 1 : 0) + (e.gateway6 ? 2 : 0); }

}  // namespace

const EndpointState* gateway_endpoint(const std::vector<EndpointState>& endpoints) {
  const EndpointState* best = nullptr;
  for (const auto& e : endpoints) {
    if (!best || gateways(e) > gateways(*best) || (gateways(e) == gateways(*best) && e.network < best->network))
      best = &e;
  }
  return best;
}

std::optional<netlink::RouteSpec> default_route(const std::vector<EndpointState>& endpoints, int family) {
  const EndpointState* e = gateway_endpoint(endpoints);
  if (!e) return std::nullopt;
  if (family == AF_INET6) {
    if (!e->gateway6) return std::nullopt;
    return netlink::RouteSpec{.dst = Prefix(*IpAddr::parse("::"), 0), .gateway = e->gateway6, .dev = e->ifname};
  }
  if (!e->gateway && !e->default_dev) return std::nullopt;
  return netlink::RouteSpec{.dst = Prefix(IpAddr{}, 0), .gateway = e->gateway, .dev = e->ifname};
}

}  // namespace nc::drivers
