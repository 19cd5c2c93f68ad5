// Published-port specs in `docker run -p` syntax.
#pragma once

#include <string>
#include <string_view>

#include "netimpl/api/runtime.h"

namespace nc::checks {

// Parses one -p argument. Forms (C and H may be ranges "A-B"):
//   C          container port(s), random host port(s)      "80", "8000-8002"
//   H:C        every host address                            "8080:80"
//   IP:H:C     one host address                              "127.0.0.1:5432:5432"
//   IP::C      one host address, random host port            "127.0.0.1::80"
//   [IPv6]:H:C and [IPv6]::C                                 "[::1]:8080:80"
// with an optional "/tcp" (default) or "/udp" suffix. Ports are 1-65535; a range's first
// port is not above its last; host and container ranges have the same length, or the
// container side is a single port ("9000-9010:80": the runtime takes one free host port of
// the range, which PortSpec shows as a host range and a container range of one).
// Errors name the text and what is wrong, never throw.
Result<api::PortSpec> parse_publish(std::string_view text);
// Its text form (for reports, and what a runtime's `-p` takes): api::format_port_spec.

}  // namespace nc::checks
