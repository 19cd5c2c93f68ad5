// Pure port arithmetic for publishing: which host ports a `-p` spec may take, the
// ephemeral range, and which held bindings a new one clashes with. No kernel, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/api/runtime.h"
#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"

namespace nc::portmap {

struct PortRange {
  uint16_t first = 0;
  uint16_t last = 0;
  uint32_t size() const { return uint32_t(last) - first + 1; }
  bool contains(uint16_t p) const { return p >= first && p <= last; }
};

// Parses net.ipv4.ip_local_port_range ("32768\t60999\n"). Errors name the text.
Result<PortRange> parse_port_range(std::string_view text);

// A host port held for one mapping: what a clash is judged on.
struct HostKey {
  Proto proto = Proto::kTcp;
  std::optional<IpAddr> ip;      // absent: every address of the family (0.0.0.0 / [::])
  int family = 0;                // AF_INET | AF_INET6
  uint16_t port = 0;
  auto operator<=>(const HostKey&) const = default;
  // "0.0.0.0:8080/tcp", "[::1]:80/udp"
  std::string str() const;
};

// Two keys clash when proto, family and port are equal and either address is the
// wildcard or both are the same address (the kernel's bind rule, and Docker's).
bool clashes(const HostKey& a, const HostKey& b);

// One way to place a spec: for each container port, the host port it gets.
struct Placement {
  uint16_t host_port = 0;
  uint16_t container_port = 0;
};

// The alternatives for a spec, in the order they are tried, each a full placement:
//  - H-H':C-C' (same length): one alternative, host i ↔ container i;
//  - H-H':C (one container port, several host ports): one alternative per host port;
//  - C or C-C' with no host port (random): `ephemeral` walked from `start` (wrapping),
//    a block of consecutive host ports per alternative.
// Errors: range lengths that differ, a container port 0, ephemeral range too small.
Result<std::vector<std::vector<Placement>>> alternatives(const api::PortSpec& spec, PortRange ephemeral,
                                                         uint16_t start);

}  // namespace nc::portmap
