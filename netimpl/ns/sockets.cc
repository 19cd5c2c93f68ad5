#include "netimpl/ns/sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace nc::sockets {

sockaddr_in v4_sockaddr(const IpAddr& a, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr = a.to_in();
  return sa;
}

sockaddr_storage any_sockaddr(const IpAddr& a, uint16_t port, socklen_t& len) {
  sockaddr_storage ss{};
  if (a.is_v4()) {
    *reinterpret_cast<sockaddr_in*>(&ss) = v4_sockaddr(a, port);
    len = sizeof(sockaddr_in);
    return ss;
  }
  auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
  sa->sin6_family = AF_INET6;
  sa->sin6_port = htons(port);
  sa->sin6_addr = a.to_in6();
  len = sizeof(sockaddr_in6);
  return ss;
}

namespace {

Result<UniqueFd> make_socket(const Namespaces& ns, int type, int family = AF_INET) {
  return ns.run([&]() -> Result<UniqueFd> {
    UniqueFd fd(::socket(family, type | SOCK_CLOEXEC, 0));
    if (!fd) return sys_fail(fmt::format("socket in netns {}", ns.name()));
    return fd;
  });
}

Result<void> bind_any(const UniqueFd& fd, uint16_t port) {
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa = v4_sockaddr(IpAddr(), port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail(fmt::format("bind port {}", port));
  return {};
}

// Waits for `events` on fd; false on timeout.
bool wait_for(int fd, short events, milliseconds timeout) {
  pollfd p{fd, events, 0};
  int n;
  do n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  while (n < 0 && errno == EINTR);
  return n > 0;
}

}  // namespace

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::kOk: return "ok";
    case Outcome::kRefused: return "refused";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kUnreachable: return "unreachable";
    case Outcome::kOther: return "other";
  }
  return "?";
}

Result<UniqueFd> tcp_listen(const Namespaces& ns, uint16_t port, int backlog, int family) {
  UniqueFd fd = NC_TRY(make_socket(ns, SOCK_STREAM, family));
  if (family == AF_INET6) {
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    socklen_t len = 0;
    sockaddr_storage sa = any_sockaddr(*IpAddr::parse("::"), port, len);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0) return sys_fail(fmt::format("bind [::]:{}", port));
  } else {
    NC_TRY_VOID(bind_any(fd, port));
  }
  if (::listen(fd.get(), backlog) != 0) return sys_fail(fmt::format("listen on port {} in netns {}", port, ns.name()));
  return fd;
}

Result<std::vector<UniqueFd>> tcp_sockets(const Namespaces& ns, int n, int family) {
  return ns.run([&]() -> Result<std::vector<UniqueFd>> {
    std::vector<UniqueFd> out;
    for (int i = 0; i < n; ++i) {
      UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (!fd) return sys_fail(fmt::format("socket in netns {}", ns.name()));
      out.push_back(std::move(fd));
    }
    return out;
  });
}

Result<Outcome> tcp_connect(const Namespaces& ns, const IpAddr& addr, uint16_t port, milliseconds timeout) {
  UniqueFd fd = NC_TRY(make_socket(ns, SOCK_STREAM | SOCK_NONBLOCK));
  sockaddr_in sa = v4_sockaddr(addr, port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) return Outcome::kOk;
  if (errno != EINPROGRESS) return sys_fail(fmt::format("connect to {}:{}", addr, port));
  if (!wait_for(fd.get(), POLLOUT, timeout)) return Outcome::kTimeout;
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  switch (err) {
    case 0: return Outcome::kOk;
    case ECONNREFUSED: return Outcome::kRefused;
    case EHOSTUNREACH: case ENETUNREACH: return Outcome::kUnreachable;
    default: return Outcome::kOther;
  }
}

Result<std::optional<IpAddr>> accept_peer(const UniqueFd& listener, milliseconds timeout) {
  if (!wait_for(listener.get(), POLLIN, timeout)) return std::nullopt;
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  UniqueFd c(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC));
  if (!c) return sys_fail("accept");
  return IpAddr::from_in(peer.sin_addr);
}

Result<UniqueFd> udp_bind(const Namespaces& ns, uint16_t port) {
  UniqueFd fd = NC_TRY(make_socket(ns, SOCK_DGRAM));
  NC_TRY_VOID(bind_any(fd, port));
  return fd;
}

Result<UniqueFd> udp_connect(const Namespaces& ns, const IpAddr& addr, uint16_t port) {
  UniqueFd fd = NC_TRY(make_socket(ns, SOCK_DGRAM, addr.family()));
  socklen_t len = 0;
  sockaddr_storage sa = any_sockaddr(addr, port, len);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0)
    return sys_fail(fmt::format("connect udp to {}:{}", addr, port));
  return fd;
}

Result<void> udp_send(const UniqueFd& fd, const std::string& payload) {
  // ECONNREFUSED reports an ICMP error for an earlier datagram, not this one: send again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::send(fd.get(), payload.data(), payload.size(), 0) >= 0) return {};
    if (errno != ECONNREFUSED) break;
  }
  return sys_fail("send udp");
}

Result<std::optional<std::string>> udp_recv(const UniqueFd& fd, milliseconds timeout, bool echo) {
  if (!wait_for(fd.get(), POLLIN, timeout)) return std::nullopt;
  char buf[2048];
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  ssize_t n = ::recvfrom(fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &len);
  if (n < 0) return sys_fail("recv udp");
  if (echo && ::sendto(fd.get(), buf, n, 0, reinterpret_cast<sockaddr*>(&peer), len) < 0) return sys_fail("echo udp");
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace nc::sockets
