// Server: UDP datagrams, answered from the address they were sent to.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "harness/probe/serve.h"

namespace nc::probe {
namespace {

// At most this many datagrams per wake-up, so a flood cannot starve TCP clients.
constexpr int kBatch = 64;

union Control {
  cmsghdr align;
  char buf[CMSG_SPACE(sizeof(in6_pktinfo))];
};

// The destination of the received datagram and its interface, from IP(V6)_PKTINFO.
struct Arrival {
  SockAddr local;
  int ifindex = 0;
};

Arrival arrival_of(msghdr& m, SockAddr bound) {
  Arrival a{bound};
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
      reinterpret_cast<sockaddr_in*>(a.local.get())->sin_addr = pi.ipi_addr;
      a.ifindex = pi.ipi_ifindex;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
      reinterpret_cast<sockaddr_in6*>(a.local.get())->sin6_addr = pi.ipi6_addr;
      a.ifindex = static_cast<int>(pi.ipi6_ifindex);
    }
  }
  return a;
}

// Sends from arrival.local; falls back to the kernel's choice of source when that
// address cannot be a source (a broadcast or multicast destination).
void send_from(int fd, const SockAddr& peer, const Arrival& arrival, const std::string& line) {
  iovec iov{const_cast<char*>(line.data()), line.size()};
  msghdr m{};
  m.msg_name = const_cast<sockaddr*>(peer.get());
  m.msg_namelen = peer.len();
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  Control ctl{};
  m.msg_control = ctl.buf;
  cmsghdr* c = reinterpret_cast<cmsghdr*>(ctl.buf);
  if (arrival.local.is_v6()) {
    in6_pktinfo pi{};
    pi.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(arrival.local.get())->sin6_addr;
    if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr)) pi.ipi6_ifindex = static_cast<unsigned>(arrival.ifindex);
    *c = cmsghdr{.cmsg_len = CMSG_LEN(sizeof pi), .cmsg_level = IPPROTO_IPV6, .cmsg_type = IPV6_PKTINFO};
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    m.msg_controllen = CMSG_SPACE(sizeof pi);
  } else {
    in_pktinfo pi{};
    pi.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(arrival.local.get())->sin_addr;
    *c = cmsghdr{.cmsg_len = CMSG_LEN(sizeof pi), .cmsg_level = IPPROTO_IP, .cmsg_type = IP_PKTINFO};
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    m.msg_controllen = CMSG_SPACE(sizeof pi);
  }
  if (::sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno == EINVAL) {
    m.msg_control = nullptr;
    m.msg_controllen = 0;
    ::sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

}  // namespace

void Server::answer_datagrams(int fd) {
  SockAddr bound = local_address(fd);
  char buf[2048];
  for (int i = 0; i < kBatch; ++i) {
    SockAddr peer;
    iovec iov{buf, sizeof buf};
    Control ctl{};
    msghdr m{};
    m.msg_name = peer.get();
    m.msg_namelen = SockAddr::capacity();
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    if (::recvmsg(fd, &m, 0) < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: all answered
    }
    peer.set_len(m.msg_namelen);
    Arrival a = arrival_of(m, bound);
    send_from(fd, peer, a, answer(peer, a.local, Proto::kUdp));
  }
}

}  // namespace nc::probe
