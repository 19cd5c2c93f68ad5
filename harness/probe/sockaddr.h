// Socket addresses as values, parsed and printed without name resolution.
//
// The probe is a static binary: glibc's NSS (getaddrinfo, gethostbyname) cannot work in it,
// so every host is a numeric address parsed with inet_pton. Printing follows the usual
// "IP:PORT" form with brackets for IPv6 ("172.18.0.2:80", "[fd00::1]:80").
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace nc::probe {

class SockAddr {
 public:
  SockAddr() = default;
  // Copies len bytes of sa (as returned by accept, getsockname, recvfrom).
  SockAddr(const sockaddr* sa, socklen_t len);

  // A numeric IPv4 or IPv6 address, optionally in brackets, IPv6 optionally with a zone
  // ("fe80::1%eth0"); the port is set to `port`. Errors name the text.
  static std::expected<SockAddr, std::string> parse_ip(std::string_view text, uint16_t port = 0);

  int family() const { return ss_.ss_family; }
  bool is_v6() const { return family() == AF_INET6; }
  uint16_t port() const;
  void set_port(uint16_t port);
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&ss_); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&ss_); }
  socklen_t len() const { return len_; }
  // Size of the storage, for calls that fill it in; then call set_len().
  static constexpr socklen_t capacity() { return sizeof(sockaddr_storage); }
  void set_len(socklen_t len) { len_ = len; }

  // "172.18.0.2" / "fd00::1" (IPv6 without brackets, no zone).
  std::string ip() const;
  // "172.18.0.2:80" / "[fd00::1]:80".
  std::string str() const;

 private:
  sockaddr_storage ss_{};
  socklen_t len_ = 0;
};

// The local and remote address of a connected or bound socket; an empty SockAddr on error.
SockAddr local_address(int fd);

}  // namespace nc::probe
