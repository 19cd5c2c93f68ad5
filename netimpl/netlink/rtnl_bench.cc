// nc_netlink_bench [N]: the cost of wiring N containers to a bridge through Rtnl.
//
// In a fresh "host" netns: a bridge, then per container a fresh netns, a veth whose peer is
// created inside it as eth0 (enslaved and up on the host side in the same request), and
// inside the container lo up, an address, eth0 up and a default route. Prints the median
// and spread per container and the teardown time: from dropping the namespace owners until
// the kernel has deleted every host-side veth (seen as RTM_DELLINK notifications).
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Step {
  double ns = 0, open = 0, veth = 0, inside = 0, total = 0;
};

Result<Step> add_container(Rtnl& host, int i, std::vector<Namespaces>& keep) {
  Step s;
  auto t0 = Clock::now();
  Namespaces c = NC_TRY(Namespaces::create(fmt::format("c{}", i), kNsNet));
  s.ns = ms_since(t0);
  auto t1 = Clock::now();
  Rtnl in = NC_TRY(Rtnl::open(c));
  s.open = ms_since(t1);
  auto t2 = Clock::now();
  NC_TRY_VOID(host.create_veth({.name = fmt::format("veth{}", i), .peer = "eth0", .peer_ns = &c, .master = "br0", .up = true}));
  s.veth = ms_since(t2);
  auto t3 = Clock::now();
  NC_TRY_VOID(in.set_up("lo"));
  NC_TRY_VOID(in.add_address("eth0", Prefix(IpAddr::v4(0xAC120000u + 2 + i), 16)));  // 172.18.0.(2+i)/16
  NC_TRY_VOID(in.set_up("eth0"));
  NC_TRY_VOID(in.add_route({.dst = Prefix(IpAddr(), 0), .gateway = IpAddr::v4(0xAC120001u)}));
  s.inside = ms_since(t3);
  s.total = ms_since(t0);
  keep.push_back(std::move(c));
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// A socket in the host netns that hears link deletions.
Result<UniqueFd> link_events(const Namespaces& host) {
  return host.run([]() -> Result<UniqueFd> {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    sockaddr_nl sa{.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    int size = 4 << 20;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail("netlink bind");
    return fd;
  });
}

void wait_dellinks(int fd, int n) {
  std::vector<char> buf(1 << 16);
  while (n > 0) {
    ssize_t len = ::recv(fd, buf.data(), buf.size(), 0);
    if (len <= 0) return;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
      // Bridge port removals also send RTM_DELLINK, with family AF_BRIDGE: count the links.
      if (h->nlmsg_type == RTM_DELLINK && static_cast<ifinfomsg*>(NLMSG_DATA(h))->ifi_family == AF_UNSPEC) --n;
  }
}

int run(int n) {
  auto host = Namespaces::create("host", kNsNet);
  if (!host) return std::fprintf(stderr, "%s\n", host.error().message().c_str()), 1;
  auto rt = Rtnl::open(*host);
  if (!rt) return std::fprintf(stderr, "%s\n", rt.error().message().c_str()), 1;
  for (auto r : {rt->create_bridge("br0"), rt->set_up("br0"), rt->add_address("br0", Prefix(IpAddr::v4(0xAC120001u), 16))})
    if (!r) return std::fprintf(stderr, "%s\n", r.error().message().c_str()), 1;

  std::vector<Namespaces> containers;
  std::vector<Step> steps;
  for (int i = 0; i < n; ++i) {
    auto s = add_container(*rt, i, containers);
    if (!s) return std::fprintf(stderr, "container %d: %s\n", i, s.error().message().c_str()), 1;
    steps.push_back(*s);
  }
  auto col = [&](double Step::*f) {
    std::vector<double> v;
    for (auto& s : steps) v.push_back(s.*f);
    return v;
  };
  std::printf("containers: %d\n", n);
  std::printf("per container (ms): median %.3f  min %.3f  p90 %.3f  max %.3f\n", median(col(&Step::total)),
              pct(col(&Step::total), 0), pct(col(&Step::total), 0.9), pct(col(&Step::total), 1.0));
  for (auto [name, f] : {std::pair{"netns create", &Step::ns}, {"rtnl open", &Step::open}, {"veth", &Step::veth},
                         {"inside: lo up, addr, eth0 up, route", &Step::inside}})
    std::printf("  %-36s median %.3f  p90 %.3f\n", name, median(col(f)), pct(col(f), 0.9));

  auto events = link_events(*host);
  if (!events) return std::fprintf(stderr, "%s\n", events.error().message().c_str()), 1;
  auto t0 = Clock::now();
  containers.clear();
  double dropped = ms_since(t0);
  wait_dellinks(events->get(), n);
  double gone = ms_since(t0);
  std::printf("teardown of %d (ms): owners dropped %.3f, all host veths deleted by the kernel %.3f (%.3f per container)\n",
              n, dropped, gone, gone / n);
  return 0;
}

}  // namespace
}  // namespace nc::netlink

int main(int argc, char** argv) { return nc::netlink::run(argc > 1 ? std::atoi(argv[1]) : 50); }
