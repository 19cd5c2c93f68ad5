// Probe targets: "tcp://HOST:PORT" and "udp://HOST:PORT".
//
// HOST is a numeric IPv4 address or a bracketed IPv6 address ("tcp://[fd00::1]:80",
// "udp://[fe80::1%eth0]:53"); names are rejected because the static probe cannot resolve
// them. PORT is 0..65535 (0 lets `serve` pick a free port; `connect` rejects it).
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "harness/probe/sockaddr.h"
#include "netimpl/base/proto.h"

namespace nc::probe {

using nc::Proto;        // the one protocol type (netimpl/base/proto.h)
using nc::proto_name;   // "tcp" / "udp"

struct Target {
  Proto proto = Proto::kTcp;
  SockAddr addr;

  // The canonical URL: "tcp://127.0.0.1:80", "udp://[::1]:53".
  std::string url() const;
};

// Parses a target URL; the error says what is wrong with which text.
std::expected<Target, std::string> parse_target(std::string_view text);

}  // namespace nc::probe
