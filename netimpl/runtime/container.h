// A netimpl container: network, mount and UTS namespaces held open by fds, a netlink client
// bound to its network namespace, its endpoints, and the probe process it runs.
//
// Dropping a Container tears it down completely: the main process is killed and reaped,
// the namespaces close, and the kernel removes the container's ends of its veth pairs —
// and with them the host ends.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/drivers/driver.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/process/process.h"

namespace nc::runtime {

struct Container {
  std::string name;
  std::string id;        // 64 hex digits, like Docker's
  std::string hostname;  // the UTS hostname: the spec's, else the short id
  Namespaces ns;
  std::unique_ptr<netlink::Links> rtnl;  // a netlink::Rtnl; a fake in unit tests
  std::vector<drivers::EndpointState> endpoints;  // in the order they were attached
  // The installed default routes, per family ([0] IPv4, [1] IPv6): gateway and link; an
  // empty dev: none.
  struct InstalledRoute {
    std::optional<IpAddr> gateway;
    std::string dev;
  };
  InstalledRoute default_routes[2];
  std::optional<Process> main;                    // the probe the container runs; empty while stopped
  std::vector<std::string> command;               // its arguments (empty: idle), for start
  bool shares_host_net = false;                   // host mode: ns holds the host's net + UTS

  drivers::SandboxContext sandbox() { return {name, &ns, rtnl.get()}; }
  drivers::EndpointState* endpoint(std::string_view network);
  // The lowest ethN not in use.
  std::string next_ifname() const;
};

// Creates the namespaces, sets the hostname and brings `lo` up. No networks yet.
Result<Container> make_container(std::string name, std::string id, std::string hostname);

// Host mode: a fresh mount namespace, the host's network and UTS namespaces (its hostname
// is the host's). `lo` and the host's links are the host's: nothing is configured.
Result<Container> make_host_container(std::string name, std::string id, const Namespaces& host);

// Makes the default route of each family follow drivers::default_route(endpoints, family)
// (the gateway endpoint's gateway of that family, or its direct route: ipvlan L3);
// removes it when that endpoint has none.
Result<void> sync_default_route(Container& c);

// A fresh random id of 64 hex digits.
std::string random_id();

}  // namespace nc::runtime
