// The overlay's static control plane: netimpl knows every endpoint of every host, so
// instead of flood-and-learn or a gossip protocol it programs each VXLAN device directly.
//
// For each overlay network, the members are the hosts that have its VXLAN device (with
// their VTEP address on the underlay), and the endpoints are the containers attached on
// any of them. When a host joins, every other member gets it as one more flood destination
// (all-zero MAC FDB entry: broadcasts such as ARP reach every VTEP) and it gets theirs;
// when an endpoint appears, every other member learns its MAC → VTEP (FDB) and IP → MAC
// (neighbour). When an endpoint leaves, those entries go from every other member; when a
// host leaves, its endpoints' entries and its flood destination go from every other member
// (a stale entry would send a reused address's frames to a MAC that is gone).
//
// One control plane is shared by the NetimplRuntimes of one lab (one per host); it holds
// their Rtnl pointers, so it must not be used after a member's runtime is gone. All calls
// come from the one thread that drives the runtimes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::drivers {

class OverlayControlPlane {
 public:
  struct Member {
    netlink::Links* rtnl = nullptr;  // the host's; identifies the member
    std::string vxlan;              // its VXLAN device for this network
    std::optional<IpAddr> vtep;     // its underlay address (absent: single host, no peers)
  };
  struct Endpoint {
    netlink::Links* host = nullptr;  // the member it lives on
    std::string mac;
    IpAddr ip;
  };

  // The VNI of a network: the same on every host (assigned on first use, from 4096 up).
  uint32_t vni(const std::string& network);

  Result<void> join(const std::string& network, const Member& m);
  Result<void> add_endpoint(const std::string& network, const Endpoint& ep);
  // Teardown: the bookkeeping is always dropped; the first failed delete is returned.
  // Unknown networks, hosts and endpoints are success.
  Result<void> leave(const std::string& network, netlink::Links* host);
  Result<void> remove_endpoint(const std::string& network, const IpAddr& ip);

 private:
  struct Net {
    std::vector<Member> members;
    std::vector<Endpoint> endpoints;
  };
  static Result<void> program(const Member& on, const Member& owner, const Endpoint& ep);
  static Result<void> unprogram(const Member& on, const Member& owner, const Endpoint& ep);
  std::map<std::string, uint32_t> vnis_;
  std::map<std::string, Net> nets_;
};

}  // namespace nc::drivers
