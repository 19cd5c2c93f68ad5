// TCP and UDP sockets opened inside a network namespace (the nft and runtime tests'
// traffic, and the port benchmark's clients and servers).
//
// A socket belongs to the network namespace it was created in, so each helper creates it on
// a short-lived thread inside `ns` (Namespaces::run) and the caller uses it from anywhere.
// Waits are bounded by poll(); nothing sleeps.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/namespaces.h"

namespace nc::sockets {

using std::chrono::milliseconds;

// What a client sees. A firewall drop shows as kTimeout, a closed port as kRefused.
enum class Outcome { kOk, kRefused, kTimeout, kUnreachable, kOther };
std::string to_string(Outcome o);

// addr:port as a sockaddr for connect()/bind().
sockaddr_in v4_sockaddr(const IpAddr& addr, uint16_t port);
// The same for either family; `len` gets the size to pass along.
sockaddr_storage any_sockaddr(const IpAddr& addr, uint16_t port, socklen_t& len);

// A TCP listener on 0.0.0.0:port in ns; AF_INET6: on [::]:port, IPv6 only.
Result<UniqueFd> tcp_listen(const Namespaces& ns, uint16_t port, int backlog = 16, int family = AF_INET);
// `n` unconnected, blocking TCP sockets of `family` made in ns (one thread for all of them).
Result<std::vector<UniqueFd>> tcp_sockets(const Namespaces& ns, int n, int family = AF_INET);
// Connects from ns to addr:port and closes again.
Result<Outcome> tcp_connect(const Namespaces& ns, const IpAddr& addr, uint16_t port, milliseconds timeout);
// Accepts one connection within `timeout` and returns the client's address as the
// listener sees it; nullopt when none arrived.
Result<std::optional<IpAddr>> accept_peer(const UniqueFd& listener, milliseconds timeout);

// A UDP socket bound to 0.0.0.0:port in ns.
Result<UniqueFd> udp_bind(const Namespaces& ns, uint16_t port);
// A UDP socket in ns connected to addr:port, of its family (fixed source port: one
// conntrack flow).
Result<UniqueFd> udp_connect(const Namespaces& ns, const IpAddr& addr, uint16_t port);
Result<void> udp_send(const UniqueFd& fd, const std::string& payload);
// The next datagram within `timeout`, or nullopt. With `echo`, sends it back to its sender
// (a reply turns the conntrack entry into an established flow).
Result<std::optional<std::string>> udp_recv(const UniqueFd& fd, milliseconds timeout, bool echo = false);

}  // namespace nc::sockets
