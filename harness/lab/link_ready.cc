#include "harness/lab/link_ready.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>
#include <utility>

#include "netimpl/base/unique_fd.h"

namespace nc::lab {
namespace {

using Clock = std::chrono::steady_clock;

// Opened inside `ns`: a socket for the flags ioctl and a route-netlink socket subscribed to
// link events. Sockets stay in the namespace they were created in.
struct Watch {
  UniqueFd ioctl_sock, events;
};

Result<Watch> open_watch(const Namespaces& ns) {
  return ns.run([]() -> Result<Watch> {
    Watch w{UniqueFd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)),
            UniqueFd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE))};
    if (!w.ioctl_sock || !w.events) return sys_fail("open sockets");
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK;
    if (::bind(w.events.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail("subscribe to link events");
    return w;
  });
}

Result<bool> is_running(const Watch& w, std::string_view ifname) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.data(), std::min(ifname.size(), sizeof ifr.ifr_name - 1));
  if (::ioctl(w.ioctl_sock.get(), SIOCGIFFLAGS, &ifr) != 0) return sys_fail("read flags");
  return (ifr.ifr_flags & IFF_RUNNING) != 0;
}

void drain(int fd) {
  char buf[8192];
  while (::recv(fd, buf, sizeof buf, 0) > 0) {}
}

Result<void> wait_running(const Namespaces& ns, std::string_view ifname, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto w = NC_TRY(open_watch(ns));
  // Subscribed before the first check, so a change in between still wakes the poll.
  while (!NC_TRY(is_running(w, ifname))) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{w.events.get(), POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) == 0)
      return failf("not running after {} ms", timeout.count());
    drain(w.events.get());
  }
  return {};
}

}  // namespace

Result<void> wait_link_running(const Namespaces& ns, std::string_view ifname, std::chrono::milliseconds timeout) {
  NC_TRY_VOID_CTX(wait_running(ns, ifname, timeout), "wait for link {} in netns {}", ifname, ns.name());
  return {};
}

}  // namespace nc::lab
