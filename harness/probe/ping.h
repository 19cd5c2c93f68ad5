// One ICMP echo (IPv4 or IPv6).
//
// Prefers a datagram ping socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)), which needs
// no privilege but is allowed only to groups in net.ipv4.ping_group_range (a fresh netns
// allows nobody); on EACCES/EPERM it falls back to a raw socket (needs CAP_NET_RAW).
// The socket is connect()ed: only then does the kernel report an ICMP "unreachable" for
// it (ping_err/raw_err ignore errors for unconnected sockets without IP_RECVERR).
#pragma once

#include <cstdint>
#include <span>

#include "harness/probe/output.h"
#include "harness/probe/sockaddr.h"

namespace nc::probe {

// {"action":"ping","target":ADDR,"outcome":"ok|timeout|unreachable|error",
//  "duration_ms":F,"socket":"dgram|raw"[,"error":TEXT]}
Json ping(const SockAddr& dst, int timeout_ms);

// The Internet checksum (RFC 1071) of data.
uint16_t inet_checksum(std::span<const uint8_t> data);

}  // namespace nc::probe
