#include "netimpl/ipam/ipam.h"

namespace nc::ipam {

SubnetPool::SubnetPool(Prefix subnet, std::optional<IpAddr> gateway)
    : subnet_(subnet.network()), gateway_(gateway) {}

bool SubnetPool::usable(const IpAddr& ip) const {
  if (!subnet_.contains(ip)) return false;
  if (ip == subnet_.addr()) return false;  // the network address
  if (ip.is_v4() && subnet_.len() < 31 && ip == subnet_.broadcast()) return false;
  if (gateway_ && ip == *gateway_) return false;
  return true;
}

Result<IpAddr> SubnetPool::allocate() {
  // Subnets here are at most a /16 (searches stop at 2^24), so a linear walk is cheap next
  // to the netlink work that follows every allocation.
  uint64_t limit = std::min<uint64_t>(subnet_.size(), uint64_t{1} << 24);
  for (uint64_t n = 0; n < limit; ++n) {
    uint64_t i = (next_ + n) % limit;
    IpAddr ip = subnet_.addr().offset(i);
    if (usable(ip) && !used_.contains(ip)) {
      used_.insert(ip);
      next_ = (i + 1) % limit;
      return ip;
    }
  }
  return failf("no free address left in {}", subnet_);
}

Result<void> SubnetPool::reserve(const IpAddr& ip) {
  if (!subnet_.contains(ip)) return failf("address {} is not in subnet {}", ip, subnet_);
  if (!usable(ip)) return failf("address {} is reserved in subnet {}", ip, subnet_);
  if (!used_.insert(ip).second) return failf("address {} is already in use", ip);
  return {};
}

void SubnetPool::release(const IpAddr& ip) { used_.erase(ip); }

std::vector<Prefix> Ipam::default_pools(int family) {
  std::vector<Prefix> pools;
  if (family == AF_INET6) {
    in6_addr a = IpAddr::parse("fd00:6e63:6e63::")->to_in6();
    for (unsigned i = 0; i < 256; ++i) {  // fd00:6e63:6e63:0::/64, :1::/64, ...
      a.s6_addr[7] = static_cast<uint8_t>(i);
      pools.emplace_back(IpAddr::from_in6(a), 64);
    }
    return pools;
  }
  for (uint32_t b = 18; b <= 31; ++b) pools.emplace_back(IpAddr::v4((172u << 24) | (b << 16)), 16);
  for (uint32_t i = 0; i < 16; ++i) pools.emplace_back(IpAddr::v4((192u << 24) | (168u << 16) | (i << 12)), 20);
  return pools;
}

std::optional<std::string> Ipam::overlapping(const Prefix& p) const {
  for (auto& [name, claimed] : claimed_)
    if (claimed.overlaps(p)) return name;
  return std::nullopt;
}

Result<SubnetChoice> Ipam::claim(std::string_view name, const std::optional<Prefix>& subnet,
                                 const std::optional<IpAddr>& gateway, int family) {
  const char* fam = family == AF_INET6 ? "IPv6" : "IPv4";
  auto [first, last] = claimed_.equal_range(name);
  for (auto it = first; it != last; ++it)
    if (it->second.addr().family() == family) return failf("network {} already has an {} subnet", name, fam);
  if (subnet && subnet->addr().family() != family) return failf("subnet {} is not {}", *subnet, fam);
  if (gateway && gateway->family() != family) return failf("gateway {} is not {}", *gateway, fam);
  if (subnet && family == AF_INET6 && subnet->len() > 126)
    return failf("IPv6 subnet {} is too small: a gateway and an endpoint need /126 or larger", *subnet);
  Prefix chosen;
  if (subnet) {
    chosen = subnet->network();
    for (auto& [other, claimed] : claimed_)
      if (claimed.overlaps(chosen)) return failf("subnet {} overlaps network {} ({})", chosen, other, claimed);
  } else {
    bool found = false;
    for (auto& pool : default_pools(family)) {
      if (!overlapping(pool)) {
        chosen = pool;
        found = true;
        break;
      }
    }
    if (!found) return failf("no free {} subnet left in the default address pools", fam);
  }
  IpAddr gw = gateway.value_or(chosen.addr().offset(1));
  if (!chosen.contains(gw)) return failf("gateway {} is not in subnet {}", gw, chosen);
  if (gw == chosen.addr()) return failf("gateway {} is the network address of {}", gw, chosen);
  claimed_.emplace(std::string(name), chosen);
  return SubnetChoice{chosen, gw};
}

void Ipam::release(std::string_view name) {
  auto [first, last] = claimed_.equal_range(name);
  claimed_.erase(first, last);
}

}  // namespace nc::ipam
