// One published port range, as `docker run -p` takes it, and its one text form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "netimpl/base/ip.h"
#include "netimpl/base/proto.h"

namespace nc::api {

// A single port is a range of one.
struct PortSpec {
  std::optional<IpAddr> host_ip;   // absent: every address (0.0.0.0 and [::])
  uint16_t host_first = 0;         // 0: a random port from ip_local_port_range
  uint16_t host_last = 0;
  uint16_t container_first = 0;
  uint16_t container_last = 0;
  Proto proto = Proto::kTcp;
};

// The spec as `docker run -p` / `podman run -p` take it and check files write it:
// "8080:80/tcp", "127.0.0.1::80/udp", "[::1]:8000-8001:80-81/tcp", "80/tcp". The protocol
// is always written.
std::string format_port_spec(const PortSpec& s);

}  // namespace nc::api
