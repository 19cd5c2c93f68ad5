// The network driver interface: one implementation per driver (bridge, host, none,
// macvlan, ipvlan, overlay), each in its own file behind these four calls.
//
// The runtime calls validate() before any side effect, so a bad spec is refused with
// nothing created. create/attach either succeed fully or leave nothing behind. Teardown
// (remove_network, detach) is idempotent and best-effort: what is already gone is success.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/api/runtime.h"
#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/ipam/ipam.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::drivers {

// What a driver needs of the host: its namespaces and a netlink client bound to it (the
// real Rtnl, or a fake in unit tests: netimpl/netlink/links.h).
struct HostContext {
  const Namespaces* ns = nullptr;
  netlink::Links* rtnl = nullptr;
};

// One network as the runtime keeps it.
struct NetworkState {
  api::NetworkSpec spec;
  api::NetworkInfo info;
  std::unique_ptr<ipam::SubnetPool> pool;   // null for drivers without addresses (host, none)
  std::unique_ptr<ipam::SubnetPool> pool6;  // dual-stack networks: their IPv6 subnet
};

// One container's end of a network.
struct EndpointState {
  std::string network;
  std::string ifname;        // inside the container: eth0, eth1, ...
  std::string host_ifname;   // the host-side link (veth peer), when there is one
  IpAddr ip;
  std::string mac;           // the container end's MAC, when the driver chose it
  int prefix_len = 0;
  std::optional<IpAddr> gateway;  // the network's gateway (absent: internal or none)
  // No gateway, but the default route may go through this link itself ("default dev
  // eth1"): ipvlan L3, where the parent routes for its children and no ARP reaches them.
  bool default_dev = false;
  std::vector<std::string> aliases;
  // Dual-stack networks: the IPv6 address (added without duplicate address detection, as
  // Docker does: a tentative address would not answer for a second or more) and gateway.
  std::optional<IpAddr> ip6;
  int prefix_len6 = 0;
  std::optional<IpAddr> gateway6;
};

// The container side a driver attaches to.
struct SandboxContext {
  std::string name;
  const Namespaces* ns = nullptr;
  netlink::Links* rtnl = nullptr;  // bound to the container's network namespace
};

// The container's gateway endpoint, as libnetwork picks it (sandbox.go, Endpoint.Less; seen
// on Docker 20.10 and 26.1): the one with the most gateways (an IPv6 gateway counts 2, an
// IPv4 one or a default_dev link 1), then the one whose network name sorts first. Attach
// order does not matter: joining a network named "a..." or a dual-stack one moves it. The
// default routes come from it, and published ports lead to it (runtime/publish.h). Internal
// networks have no gateway, so they come last. Null: no endpoints.
const EndpointState* gateway_endpoint(const std::vector<EndpointState>& endpoints);

// The default route of `family` that the gateway endpoint gives (IPv4 also: default_dev);
// none when it has no gateway of that family.
std::optional<netlink::RouteSpec> default_route(const std::vector<EndpointState>& endpoints, int family = AF_INET);

// The MAC an endpoint at `ip` gets, as Docker up to 27 gives it (libnetwork
// netutils.GenerateMACFromIP): 02:42 followed by the IPv4 address's four bytes, so
// 172.18.0.2 is 02:42:ac:12:00:02. "" for an IPv6 address (the kernel picks one).
//
// Why derived and not random: a container re-created at an address a peer talked to a
// moment ago gets the same MAC, so the peer's neighbour entry (REACHABLE for 15-45 s) stays
// right (BR-012). Docker 28 went to random MACs plus unsolicited ARP / neighbour
// advertisements at link-up (moby pull request 48808) instead; an announcement at
// link-up races the host end's bridge port coming up (the kernel's arp_notify fires
// before the port forwards), so it needs repeats and is timing-dependent, where the
// derived MAC is right by construction. IPv6-only endpoints will need the announcement.
std::string derived_mac(const IpAddr& ip);

class Driver {
 public:
  virtual ~Driver() = default;
  virtual std::string name() const = 0;
  // The kernel features (harness/kernel names: "bridge", "veth", "macvlan", "ipvlan",
  // "vxlan") this driver needs; `netconform kernel` lists them and checks skip without them.
  virtual std::vector<std::string> requirements() const { return {}; }
  // false: networks of this driver have no subnet and endpoints no address (host, none).
  virtual bool assigns_addresses() const { return true; }
  // true: the driver plumbs IPv6 endpoints too (EndpointState::ip6), so a dual-stack
  // network may use it; the runtime refuses `ipv6` on the others, naming the driver.
  virtual bool dual_stack() const { return false; }
  // The container shares the host's network namespace (host): the runtime builds it on
  // the host's namespaces and ignores its published ports, as Docker does.
  virtual bool shares_host_ns() const { return false; }
  // A container on a network of this driver may be on no other network (host, none).
  virtual bool exclusive() const { return false; }
  // Containers on networks of this driver find each other by name through the embedded
  // DNS (all but host and none; the default bridge network has none either, by Docker's
  // rule for that one network, which the runtime applies).
  virtual bool name_discovery() const { return true; }
  // One network of this driver spans the hosts of a multi-host lab (overlay): its
  // addresses are unique across hosts and its names are known on every host.
  virtual bool spans_hosts() const { return false; }
  // Refuses specs this driver cannot honour, naming the network and the option.
  virtual Result<void> validate(const api::NetworkSpec& spec) const = 0;
  virtual Result<void> create_network(HostContext& host, NetworkState& net) = 0;
  virtual Result<void> remove_network(HostContext& host, NetworkState& net) = 0;
  // Plumbs `ep` (address already chosen) into the sandbox. Does not add routes: the
  // runtime owns the container's default route, since it depends on all its networks.
  // A driver may clear ep.gateway (no default route through it, or set ep.default_dev for
  // one without a gateway) and ep.host_ifname (no host-side link) before returning.
  virtual Result<void> attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) = 0;
  virtual Result<void> detach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) = 0;
};

}  // namespace nc::drivers
