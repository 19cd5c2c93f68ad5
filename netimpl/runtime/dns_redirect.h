// Where a container's queries to 127.0.0.11:53 go: the ephemeral ports the embedded server
// listens on inside that container (dns::ServerOptions::port 0).
//
// Why not listen on port 53 itself: a socket on 127.0.0.11:53 takes port 53 from the
// container's own servers (a dnsmasq or CoreDNS bound to 0.0.0.0:53 gets "Address already
// in use"). Docker listens on ephemeral ports and puts two DNAT rules into the container's
// nat OUTPUT chain (moby libnetwork resolver_unix.go, setupIPTable: DOCKER_OUTPUT), so
// only packets addressed to 127.0.0.11:53 reach it; netimpl does the same with one
// nftables table in the container's namespace. Replies need no rule: conntrack turns
// their source back into 127.0.0.11:53.
//
// The chain hooks output at priority -100 (dstnat): a filter rule of the container at a
// later priority sees the rewritten port, one before it (the harness's "drop outgoing
// DNS", at -300) still sees port 53, as with Docker's iptables.
#pragma once

#include "netimpl/dns/server.h"
#include "netimpl/nft/firewall.h"
#include "netimpl/nft/ruleset.h"
#include "netimpl/ns/namespaces.h"

namespace nc::runtime {

inline constexpr std::string_view kDnsRedirectTable = "netimpl_dns";

// The table, as data: `ip daddr 127.0.0.11 udp dport 53 dnat ip to 127.0.0.11:<udp>` and
// the same for TCP.
nft::Table dns_redirect_table(const dns::Server::Ports& ports);

// Puts that table into `ns`; it stays while the returned Firewall lives.
// Errors: "send 127.0.0.11:53 to the embedded server: apply firewall table ...".
Result<nft::Firewall> redirect_dns(const Namespaces& ns, const dns::Server::Ports& ports);

}  // namespace nc::runtime
