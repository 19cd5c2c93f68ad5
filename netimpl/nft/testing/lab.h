// Test-only topology for the firewall's traffic tests, built with nc::netlink::Rtnl:
//
//   [outside]  eth0 203.0.113.100/24, no other route (cannot reach 172.x by itself)
//       | veth
//   [host]     eth0 203.0.113.10/24, bridges (gateway .1 of each subnet), ip_forward=1
//       | veth per container, enslaved to its bridge
//   [containers] eth0 <ip>/<len>, default route via the bridge's gateway
//
// Every namespace is fresh and owned here: dropping the Lab tears everything down.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::nft::testing {

inline const IpAddr kHostLan = *IpAddr::parse("203.0.113.10");
inline const IpAddr kOutside = *IpAddr::parse("203.0.113.100");

class Lab {
 public:
  static Result<std::unique_ptr<Lab>> create();

  // A bridge in the host with `gateway` (e.g. 172.18.0.1/16) on it.
  Result<void> add_bridge(const std::string& name, const Prefix& gateway);
  // A container netns on `bridge` with address `addr` (e.g. 172.18.0.2/16), default route
  // via the bridge's gateway.
  Result<const Namespaces*> add_container(const std::string& name, const std::string& bridge, const Prefix& addr);
  // A route in the outside namespace (to test direct access to container subnets).
  Result<void> outside_route(const Prefix& dst, const IpAddr& via);

  Namespaces host, outside;
  std::map<std::string, Namespaces> containers;

 private:
  Lab() = default;
  std::unique_ptr<netlink::Rtnl> host_rt_;
  std::map<std::string, IpAddr> gateways_;  // bridge -> gateway address
  int veths_ = 0;
};

}  // namespace nc::nft::testing
