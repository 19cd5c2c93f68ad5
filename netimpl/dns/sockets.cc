#include "netimpl/dns/sockets.h"

#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "netimpl/ns/workers.h"

namespace nc::dns {
namespace {

template <class F>
auto in_netns(int netns_fd, F&& fn) -> decltype(fn()) {
  if (netns_fd < 0) return fn();
  std::optional<decltype(fn())> out;
  ns_workers::run({.net = netns_fd}, "the DNS server's sockets", [&](Result<void> entered) {
    if (!entered) return void(out.emplace(std::unexpected(std::move(entered).error())));
    out.emplace(fn());
  });
  return std::move(*out);
}

Result<UniqueFd> bound(int type, const IpAddr& ip, uint16_t port) {
  UniqueFd fd(::socket(ip.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return sys_fail("socket");
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage sa{};
  socklen_t len = make_sockaddr(ip, port, sa);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0)
    return sys_fail(fmt::format("bind {} {}:{}", type == SOCK_STREAM ? "tcp" : "udp", ip, port));
  if (type == SOCK_STREAM && ::listen(fd.get(), 128) != 0) return sys_fail("listen");
  if (type == SOCK_DGRAM) {
    int size = 1 << 20;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  return fd;
}

Result<uint16_t> port_of(const UniqueFd& fd) {
  sockaddr_storage sa{};
  socklen_t len = sizeof sa;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) return sys_fail("getsockname");
  return ntohs(sa.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&sa)->sin_port
                                       : reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port);
}

}  // namespace

socklen_t make_sockaddr(const IpAddr& ip, uint16_t port, sockaddr_storage& out) {
  out = {};
  if (ip.is_v4()) {
    auto* s = reinterpret_cast<sockaddr_in*>(&out);
    s->sin_family = AF_INET;
    s->sin_port = htons(port);
    s->sin_addr = ip.to_in();
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&out);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(port);
  s->sin6_addr = ip.to_in6();
  return sizeof(sockaddr_in6);
}

Result<Listeners> listen_in(int netns_fd, const IpAddr& ip, uint16_t port) {
  return in_netns(netns_fd, [&]() -> Result<Listeners> {
    Listeners l;
    l.udp = NC_TRY(bound(SOCK_DGRAM, ip, port));
    l.tcp = NC_TRY(bound(SOCK_STREAM, ip, port));
    l.udp_port = NC_TRY(port_of(l.udp));
    l.tcp_port = NC_TRY(port_of(l.tcp));
    return l;
  });
}

Result<UniqueFd> dial_in(int netns_fd, int type, const IpAddr& ip, uint16_t port) {
  return in_netns(netns_fd, [&]() -> Result<UniqueFd> {
    UniqueFd fd(::socket(ip.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return sys_fail("socket");
    sockaddr_storage sa{};
    socklen_t len = make_sockaddr(ip, port, sa);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0 && errno != EINPROGRESS)
      return sys_fail(fmt::format("connect {}:{}", ip, port));
    return fd;
  });
}

Result<std::vector<uint8_t>> ask_once(int netns_fd, const IpAddr& ip, uint16_t port, std::span<const uint8_t> query,
                                      std::chrono::milliseconds timeout) {
  UniqueFd fd = NC_TRY(dial_in(netns_fd, SOCK_DGRAM, ip, port));
  if (::send(fd.get(), query.data(), query.size(), 0) < 0) return sys_fail(fmt::format("send a query to {}:{}", ip, port));
  pollfd p{fd.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::vector<uint8_t>{};
  std::vector<uint8_t> reply(65535);
  ssize_t n = ::recv(fd.get(), reply.data(), reply.size(), 0);
  reply.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return reply;
}

}  // namespace nc::dns
