// The nftables rules in a network namespace that stop incoming TCP to a port: what a
// person looks for with `nft list ruleset` when a connection into a container fails.
//
// Reads the ruleset over a netfilter netlink socket opened inside the namespace (libmnl
// dumps of chains and rules, libnftnl to parse them); changes nothing. Tables of families
// ip, ip6 and inet are read, iptables-nft's included (their `-p tcp --dport N` arrives as
// payload matches, or as the xt `tcp` match, both understood). A rule is reported when it
// sits in a prerouting or input base chain, or in a regular chain (a jump target), ends in
// drop or reject (REJECT for iptables-nft), and its destination-port matches, if any,
// admit `port` (==, !=, ranges; a port set lookup counts as a possible match). Other
// matches in the rule (addresses, interfaces) are not evaluated: the rule is reported
// with "+N other matches" so the reader weighs it. An input base chain whose policy is
// drop is reported unless one of its rules accepts `port`.
// Each finding is one line: "table inet incident chain input (hook input, handle 2): tcp dport 80 drop".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::diagnose {

Result<std::vector<std::string>> blocking_tcp_rules(const Namespaces& ns, uint16_t port);

}  // namespace nc::diagnose
