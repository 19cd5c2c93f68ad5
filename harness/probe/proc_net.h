// Decoding the kernel's socket and route tables under /proc/net (of the caller's netns).
//
// /proc/net/{tcp,udp} print an IPv4 address as the 32-bit word in host byte order
// ("0100007F" is 127.0.0.1 on little-endian machines); /proc/net/{tcp6,udp6} print the
// IPv6 address as four such words. Ports are plain hex. /proc/net/route prints IPv4
// addresses the same way; /proc/net/ipv6_route prints addresses as 32 hex digits in
// network order. Functions return nullopt for header lines and malformed lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nc::probe {

// The lines of a /proc file, without their newlines.
std::vector<std::string_view> split_lines(std::string_view text);

// "0100007F" (family AF_INET) or 32 hex digits (AF_INET6, word-swapped) → "127.0.0.1".
std::optional<std::string> decode_proc_addr(std::string_view hex, int family);

struct SocketLine {
  std::string local;  // "127.0.0.1:80", "[::1]:53"
  int state = 0;      // TCP state number: 0x0A listen; 0x07 close (an unconnected UDP socket)
};

// One line of /proc/net/tcp, tcp6, udp or udp6 (family AF_INET or AF_INET6).
std::optional<SocketLine> parse_socket_line(std::string_view line, int family);

struct RouteLine {
  std::string dst;  // "0.0.0.0/0", "fd00::/64"
  std::string via;  // gateway, empty when directly connected
  std::string dev;  // empty for a route without a device (unreachable, blackhole)
};

// One line of /proc/net/route. Routes that are not up are skipped.
std::optional<RouteLine> parse_route_line(std::string_view line);
// One line of /proc/net/ipv6_route. Skips what `ip -6 route` does not show as a route of
// the main table: local addresses, multicast, and the kernel's reject entries on lo.
std::optional<RouteLine> parse_ipv6_route_line(std::string_view line);

}  // namespace nc::probe
