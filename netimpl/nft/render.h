// Renders a FirewallModel into the nftables table netimpl owns. Pure: no kernel, no I/O.
//
// The table (family inet, one per namespace, name given by the caller) mirrors Docker
// 28's nftables design:
//
//   chain forward { type filter hook forward priority 0; policy accept; }
//     for every bridge X, traffic INTO X:
//       oifname X ct state established,related accept     replies to X's own flows
//       oifname X iifname X accept | drop                  icc: same-bridge traffic
//       oifname X ip daddr <c> <proto> dport <cport> accept   published ports, per mapping
//       oifname X drop                                     other bridges, direct access
//     then for every bridge X, traffic FROM X:
//       iifname X accept | drop                            egress; internal bridges: drop
//   chain postrouting { type nat hook postrouting priority 100; }
//       ip saddr <subnet> oifname != X masquerade          non-internal bridges
//       ip6 saddr <subnet6> oifname != X masquerade        ...and their IPv6 subnet (NAT66)
//       ip saddr <c> ip daddr <c> <proto> dport <cport> masquerade   hairpin, per mapping
//       ip saddr 127.0.0.0/8 oifname X masquerade          bridges the host reaches via 127.0.0.1
//   chain prerouting { type nat hook prerouting priority -100; }
//       [ip daddr <host ip>] fib daddr type local <proto> dport <hport> dnat ip to <c>:<cport>
//   chain output { type nat hook output priority -100; }
//       as prerouting, for connections the host itself makes (IPv4: 127.0.0.1 too)
//   chain raw { type filter hook prerouting priority -300; }
//       iifname != "lo" ip daddr 127.0.0.1 <proto> dport <hport> drop   127.0.0.1-published
//
// All "into" rules precede all "from" rules: a packet from bridge A to bridge B must meet
// B's final drop before A's egress accept. Drops are drops, not rejects: a client sees a
// timeout, as with Docker.
//
// icc=false on a bridge: bridged (same-bridge) IPv4/IPv6 frames reach the inet forward
// chain only through br_netfilter, with iifname and oifname both the bridge (Docker relies
// on the same). A `bridge` family table matching `meta ibrname/obrname` would not need
// br_netfilter, but those keys need CONFIG_NFT_BRIDGE_META, which kernels such as this
// project's CI kernel lack. needs_br_netfilter() tells the caller to turn it on.
//
// Published ports on internal bridges render nothing (Docker publishes nothing there).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/nft/model.h"
#include "netimpl/nft/ruleset.h"

namespace nc::nft {

// Errors name the offending bridge or mapping: a bridge name longer than 15 bytes or
// given twice, a mapping on an unknown bridge, an unknown proto, a port 0, or addresses
// of different families in one mapping.
Result<Table> render(const FirewallModel& model, std::string_view table_name);

// True when some bridge has icc=false, whose rule only sees bridged traffic through
// br_netfilter (net.bridge.bridge-nf-call-iptables / -ip6tables = 1 in the namespace).
bool needs_br_netfilter(const FirewallModel& model);

// The bridges, in model order, that carry a mapping the host reaches through 127.0.0.1
// (IPv4, host address absent or loopback): their net.ipv4.conf.<bridge>.route_localnet
// must be 1, or the kernel drops the DNATed packet with its loopback source.
std::vector<std::string> needs_route_localnet(const FirewallModel& model);

}  // namespace nc::nft
