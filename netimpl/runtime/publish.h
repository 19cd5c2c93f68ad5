// Published ports of netimpl's containers: the host ports held for them (portmap), the
// mappings the firewall renders from them, and the conntrack entries forgotten when a
// mapping comes or goes.
//
// A container's bindings (host port ↔ container port) are fixed when it is created; the
// address they DNAT to follows its endpoints: the gateway endpoint, as libnetwork orders
// them (drivers::gateway_endpoint: most gateways, then network name; joining a network
// named "a..." or a dual-stack one moves the ports there, as it does on Docker 20.10 and
// 26.1), when it is on a bridge network that is not internal; otherwise nothing is
// published (internal networks get no DNAT). So connect/disconnect need no
// port bookkeeping, only a firewall apply (the runtime's sync_ports): mappings() and
// proxy() are recomputed from state at every apply, and applied() forgets the moved flows.
//
// Two kinds of IPv6 host port are not DNATed but relayed by the userland proxy
// (portmap/proxy.h), as docker-proxy relays them: an IPv6 loopback address ([::1]:8080,
// which the kernel will not route off `lo`), and any IPv6 host port of a container whose
// endpoint has no IPv6 address (the [::] twin of `-p 8080:80`, or [2001:db8::1]:8080, to
// an IPv4 container: NAT cannot change the family). The proxy sends [::1] to the
// endpoint's IPv6 address when it has one, else to its IPv4 address.
//
// Threads: one at a time (the runtime's).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/api/runtime.h"
#include "netimpl/drivers/driver.h"
#include "netimpl/nft/model.h"
#include "netimpl/portmap/allocator.h"
#include "netimpl/portmap/proxy.h"
#include "netimpl/runtime/container.h"

namespace nc::runtime {

class Publisher {
 public:
  // `host` must outlive the Publisher.
  explicit Publisher(const Namespaces& host);

  // Checks specs without side effects: protocol, port ranges.
  // Errors: "publish 8000-8003:80-82/tcp: host range 8000-8003 and container range ...".
  static Result<void> validate(const std::vector<api::PortSpec>& specs);

  // Holds host ports for every spec of container `name`; all or nothing. Errors are
  // portmap's ("Bind for 0.0.0.0:8080/tcp failed: port is already allocated", "bind
  // 0.0.0.0:8080/tcp: address already in use").
  // `ipv6`: the host has IPv6, so a spec without host address is held on [::] as well as
  // 0.0.0.0 (as Docker binds both), DNATed to the endpoint's IPv6 address or proxied.
  Result<void> publish(const std::string& name, const std::vector<api::PortSpec>& specs, bool ipv6 = false);

  // Closes the container's host ports (its proxied connections first). Unknown name:
  // nothing happens.
  void release(std::string_view name);
  void release_all();

  // What `inspect` shows: one entry per host port, in publish order.
  std::vector<api::PublishedPort> ports(std::string_view name) const;

  using Containers = std::map<std::string, Container, std::less<>>;
  using Networks = std::map<std::string, drivers::NetworkState, std::less<>>;
  // The firewall's mappings for the current state, ordered by container name then
  // publish order (a stable ruleset).
  std::vector<nft::PortMapping> mappings(const Containers& containers, const Networks& networks) const;

  // Call after the firewall applied `now`: deletes the conntrack entries of every mapping
  // that appeared or disappeared since the last call (a removed UDP mapping must not keep
  // reaching its old container; UDP packets seen before publishing must not bypass DNAT).
  Result<void> applied(const std::vector<nft::PortMapping>& now);

  // Points the userland proxy at the current state: the bindings mappings() leaves out.
  // Errors: the proxy's thread could not enter the host's namespace.
  Result<void> proxy(const Containers& containers, const Networks& networks);

 private:
  const Namespaces* host_;
  portmap::PortAllocator alloc_;
  std::map<std::string, std::vector<portmap::Binding>, std::less<>> bindings_;
  std::vector<nft::PortMapping> last_;
  std::vector<portmap::ProxyRoute> routes_;  // what the proxy serves now
  portmap::UserlandProxy proxy_;             // after alloc_: it goes first, the sockets are alloc_'s
};

}  // namespace nc::runtime
