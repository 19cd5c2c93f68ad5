// Probe targets: "tcp://HOST:PORT" and "udp://HOST:PORT".
//
// HOST is a numeric IPv4 address or a bracketed IPv6 address ("tcp://[fd00::1]:80",
// "udp://[fe80::1%eth0]:53"). PORT is 0..65535 (0 lets `serve` pick a free port; `connect`
// rejects it). `connect` also takes a host name (`parse_named_target`), which it resolves
// itself through the namespace's /etc/resolv.conf.
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

// A target whose HOST is a name ("tcp://web:80", "udp://db.example.:53"), for connect by
// name. The name is a host name as resolvers take it: letters, digits, '-' and '_' in
// dot-separated labels of 1..63 bytes, 253 bytes at most, an optional final dot, and not
// all-numeric in its last label (so "1.2.3.999" is a bad address, not a name). The error
// says what is wrong, and is the address's error when HOST looks like one.
struct NamedTarget {
  Proto proto = Proto::kTcp;
  std::string name;
  uint16_t port = 0;

  // The target once the name has resolved to `ip`.
  std::expected<Target, std::string> at(std::string_view ip) const;
};
std::expected<NamedTarget, std::string> parse_named_target(std::string_view text);

}  // namespace nc::probe
