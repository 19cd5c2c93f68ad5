// Sockets opened inside a network namespace and used from anywhere (the event loop).
//
// A socket belongs to the namespace it was created in; each function creates it on a
// short-lived thread that joins `netns_fd` (a network namespace fd; -1: the caller's
// namespace) and returns it non-blocking and close-on-exec.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/base/unique_fd.h"

namespace nc::dns {

inline constexpr std::string_view kServerIp = "127.0.0.11";

struct Listeners {
  UniqueFd udp, tcp;
  uint16_t udp_port = 0, tcp_port = 0;  // the ports they are bound to
};

// UDP and TCP sockets bound to ip:port in `netns_fd`. Port 0: each gets an ephemeral port
// of its own, as Docker's embedded server does (the ports say which).
Result<Listeners> listen_in(int netns_fd, const IpAddr& ip, uint16_t port);

// A socket of `type` (SOCK_DGRAM / SOCK_STREAM) connecting to ip:port from `netns_fd`;
// for TCP the connect may still be in progress (EINPROGRESS) when it returns.
Result<UniqueFd> dial_in(int netns_fd, int type, const IpAddr& ip, uint16_t port);

// Sends `query` over UDP to ip:port from `netns_fd` and waits up to `timeout` for one
// datagram back: the reply, or empty when none came.
Result<std::vector<uint8_t>> ask_once(int netns_fd, const IpAddr& ip, uint16_t port, std::span<const uint8_t> query,
                                      std::chrono::milliseconds timeout);

// The sockaddr for ip:port.
socklen_t make_sockaddr(const IpAddr& ip, uint16_t port, sockaddr_storage& out);

}  // namespace nc::dns
