#include "harness/probe/sockaddr.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstring>

namespace nc::probe {

SockAddr::SockAddr(const sockaddr* sa, socklen_t len) {
  len_ = len > capacity() ? capacity() : len;
  std::memcpy(&ss_, sa, len_);
}

std::expected<SockAddr, std::string> SockAddr::parse_ip(std::string_view text, uint16_t port) {
  std::string_view host = text;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string_view zone;
  if (auto pct = host.find('%'); pct != std::string_view::npos) {
    zone = host.substr(pct + 1);
    host = host.substr(0, pct);
  }
  std::string h(host);
  SockAddr out;
  if (zone.empty()) {
    sockaddr_in a{};
    if (inet_pton(AF_INET, h.c_str(), &a.sin_addr) == 1) {
      a.sin_family = AF_INET;
      out = SockAddr(reinterpret_cast<sockaddr*>(&a), sizeof a);
      out.set_port(port);
      return out;
    }
  }
  sockaddr_in6 a6{};
  if (inet_pton(AF_INET6, h.c_str(), &a6.sin6_addr) != 1)
    return std::unexpected("'" + std::string(text) + "' is not a numeric IP address (the probe does no name resolution)");
  a6.sin6_family = AF_INET6;
  if (!zone.empty()) {
    a6.sin6_scope_id = if_nametoindex(std::string(zone).c_str());
    if (a6.sin6_scope_id == 0) return std::unexpected("'" + std::string(text) + "': no interface '" + std::string(zone) + "'");
  }
  out = SockAddr(reinterpret_cast<sockaddr*>(&a6), sizeof a6);
  out.set_port(port);
  return out;
}

uint16_t SockAddr::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&ss_)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss_)->sin6_port);
  return 0;
}

void SockAddr::set_port(uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&ss_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&ss_)->sin6_port = htons(port);
}

std::string SockAddr::ip() const {
  char buf[INET6_ADDRSTRLEN] = "";
  if (family() == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss_)->sin_addr, buf, sizeof buf);
  else if (family() == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss_)->sin6_addr, buf, sizeof buf);
  return buf;
}

std::string SockAddr::str() const {
  if (family() == AF_INET6) return "[" + ip() + "]:" + std::to_string(port());
  if (family() == AF_INET) return ip() + ":" + std::to_string(port());
  return "";
}

SockAddr local_address(int fd) {
  SockAddr a;
  socklen_t len = SockAddr::capacity();
  if (::getsockname(fd, a.get(), &len) == 0) a.set_len(len);
  return a;
}

}  // namespace nc::probe
