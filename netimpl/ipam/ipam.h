// IP address management: which subnet a network gets, which address an endpoint gets.
//
// Pure bookkeeping, no kernel calls. Follows Docker's defaults: the default bridge is
// 172.17.0.0/16 with gateway .1; user-defined networks get the first free /16 of
// 172.18.0.0/16 .. 172.31.0.0/16, then /20s of 192.168.0.0/16. A requested subnet that
// overlaps an existing network is refused, naming that network.
//
// A dual-stack network claims one subnet of each family. Its IPv6 default is the first
// free /64 of the unique-local fd00:6e63:6e63::/48 ("nc"): Docker 27+ splits a ULA /48
// into /64s the same way, deriving its /48 from the engine's host id (Docker 20.10 has no
// IPv6 default pool: a network without an IPv6 subnet is refused); a fixed /48 keeps the
// lab reproducible. An IPv6 subnet needs room for a gateway and an endpoint: /126 at most.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"

namespace nc::ipam {

// The addresses of one subnet: the gateway is reserved, so are the network and broadcast
// addresses. Allocation is serial, as Docker's IPAM does it: each search starts after the
// last address handed out and wraps around, so a released address is not reused at once.
// (This also kept a reused address away from peers' neighbour caches while MACs were
// random; endpoint MACs are now derived from the address, drivers::derived_mac, so a fixed
// address given again is reached at once too: BR-012.)
class SubnetPool {
 public:
  SubnetPool(Prefix subnet, std::optional<IpAddr> gateway);

  const Prefix& subnet() const { return subnet_; }
  const std::optional<IpAddr>& gateway() const { return gateway_; }

  Result<IpAddr> allocate();
  // Claims a specific address; fails if it is outside the subnet, reserved or taken.
  Result<void> reserve(const IpAddr& ip);
  void release(const IpAddr& ip);  // unknown addresses are ignored
  size_t in_use() const { return used_.size(); }

 private:
  bool usable(const IpAddr& ip) const;
  Prefix subnet_;
  std::optional<IpAddr> gateway_;
  std::set<IpAddr> used_;
  uint64_t next_ = 1;  // offset into the subnet where the next search starts
};

struct SubnetChoice {
  Prefix subnet;  // network form, e.g. 172.18.0.0/16
  IpAddr gateway;
};

// The subnets of all networks of one host.
class Ipam {
 public:
  // Picks the subnet of `family` (AF_INET, AF_INET6) for network `name`: the requested one
  // (of that family, checked for overlap) or the first free default pool. The gateway
  // defaults to the subnet's first address and must lie inside it. A network claims each
  // family at most once.
  Result<SubnetChoice> claim(std::string_view name, const std::optional<Prefix>& subnet,
                             const std::optional<IpAddr>& gateway, int family = AF_INET);
  void release(std::string_view name);  // all its subnets
  // Which network owns a subnet overlapping `p`, if any.
  std::optional<std::string> overlapping(const Prefix& p) const;

  static std::vector<Prefix> default_pools(int family = AF_INET);

 private:
  std::multimap<std::string, Prefix, std::less<>> claimed_;
};

}  // namespace nc::ipam
