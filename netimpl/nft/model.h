// What the firewall is a function of: the bridges netimpl runs and the ports it publishes.
//
// A FirewallModel is plain data, built by the runtime from its state. The firewall keeps no
// state of its own: Firewall::apply(model) makes the kernel's table exactly what render(model)
// says, whatever was there before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/base/ip.h"
#include "netimpl/base/proto.h"

namespace nc::nft {

struct BridgeNet {
  std::string bridge;     // the bridge link's name (at most 15 bytes: IFNAMSIZ - 1)
  Prefix subnet;          // the network's subnet, e.g. 172.18.0.0/16
  bool internal = false;  // no egress, no masquerade, no published ports
  bool icc = true;        // containers on this bridge may talk to each other
  std::optional<Prefix> subnet6;  // dual-stack networks: the IPv6 subnet, masqueraded too
};

struct PortMapping {
  Proto proto = Proto::kTcp;
  std::optional<IpAddr> host_ip;   // absent: any local address of the container's family
  uint16_t host_port = 0;
  IpAddr container_ip;
  uint16_t container_port = 0;
  std::string bridge;              // the bridge the container is reached through
  bool operator==(const PortMapping&) const = default;
};

struct FirewallModel {
  std::vector<BridgeNet> bridges;
  std::vector<PortMapping> ports;
};

}  // namespace nc::nft
