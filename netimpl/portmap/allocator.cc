#include "netimpl/portmap/allocator.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <ranges>
#include <sstream>

namespace nc::portmap {
namespace {

Result<PortRange> ephemeral_range() {
  // /proc/sys/net answers for the reading thread's network namespace (we run inside it).
  std::ifstream f("/proc/sys/net/ipv4/ip_local_port_range");
  std::stringstream ss;
  ss << f.rdbuf();
  if (!f) return fail("read net.ipv4.ip_local_port_range");
  return parse_port_range(ss.str());
}

// Opens and binds the socket that holds `key`; an IPv6 one holds IPv6 only (IPV6_V6ONLY),
// its IPv4 twin is a socket of its own. EADDRINUSE gets the documented text.
Result<UniqueFd> hold(const HostKey& key) {
  bool tcp = key.proto == Proto::kTcp;
  UniqueFd fd(::socket(key.family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
  if (!fd) return sys_fail(fmt::format("socket for {}", key.str()));
  int one = 1;
  if (tcp) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (key.family == AF_INET6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(key.port);
    sa->sin6_addr = key.ip ? key.ip->to_in6() : in6addr_any;
    len = sizeof *sa;
  } else {
    auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(key.port);
    sa->sin_addr = key.ip ? key.ip->to_in() : in_addr{htonl(INADDR_ANY)};
    len = sizeof *sa;
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int err = errno;
    if (err == EADDRINUSE) return fail(fmt::format("bind {}: address already in use", key.str()), err);
    return sys_fail(fmt::format("bind {}", key.str()), err);
  }
  if (tcp && ::listen(fd.get(), SOMAXCONN) != 0) return sys_fail(fmt::format("listen {}", key.str()));
  return fd;
}

}  // namespace

PortAllocator::PortAllocator(const Namespaces& host) : host_(&host) {
  std::random_device rd;
  cursor_ = static_cast<uint16_t>(rd());
}

std::optional<std::string> PortAllocator::allocated(const HostKey& key) const {
  for (const Held& h : held_)
    if (clashes(h.binding.host, key)) return h.owner;
  return std::nullopt;
}

Result<std::vector<PortAllocator::Held>> PortAllocator::try_place(const std::string& owner, const api::PortSpec& spec,
                                                                  const std::vector<Placement>& placement,
                                                                  const std::vector<int>& families) {
  std::vector<Held> out;
  for (const Placement& p : placement) {
    for (int family : families) {
      HostKey key{spec.proto, spec.host_ip, family, p.host_port};
      if (allocated(key)) return failf("Bind for {} failed: port is already allocated", key.str());
      UniqueFd fd = NC_TRY(hold(key));
      int raw = fd.get();
      out.push_back({owner, {key, p.container_port, raw}, std::move(fd)});
    }
  }
  return out;
}

Result<std::vector<Binding>> PortAllocator::reserve(const std::string& owner, const api::PortSpec& spec, bool ipv6) {
  // A host address gives the family; none: IPv4, and IPv6 too when asked (as Docker binds
  // 0.0.0.0 and [::]).
  std::vector<int> families{AF_INET};
  if (spec.host_ip) families = {spec.host_ip->family()};
  else if (ipv6) families.push_back(AF_INET6);
  auto placed = host_->run([&]() -> Result<std::vector<Held>> {
    PortRange eph{};
    if (spec.host_first == 0) eph = NC_TRY(ephemeral_range());
    auto alts = NC_TRY(alternatives(spec, eph, static_cast<uint16_t>(eph.first + cursor_ % std::max<uint32_t>(eph.size(), 1))));
    std::optional<Error> last;
    bool every_one_held = true;  // each alternative failed on a port another mapping holds
    for (auto& alt : alts) {
      auto r = try_place(owner, spec, alt, families);
      if (r) return r;
      last = r.error();
      every_one_held = every_one_held && std::ranges::any_of(alt, [&](const Placement& p) {
        return allocated(HostKey{spec.proto, spec.host_ip, families.front(), p.host_port}).has_value();
      });
    }
    if (!last) return fail("publish: no host port to try");
    // A choice of ports that are all taken is Docker's ErrAllPortsAllocated (moby
    // portallocator, RequestPortsInRange), not the clash of one requested port.
    if (alts.size() > 1 && every_one_held) {
      auto [lo, hi] = std::ranges::minmax(alts | std::views::transform([](auto& a) { return a.front().host_port; }));
      return failf("all ports are allocated: host ports {}-{}/{} on {}", lo, hi, proto_name(spec.proto),
                   spec.host_ip ? spec.host_ip->str() : "0.0.0.0");
    }
    return std::unexpected(*last);
  });
  if (!placed) return std::unexpected(placed.error());
  std::vector<Binding> out;
  for (Held& h : *placed) {
    out.push_back(h.binding);
    if (spec.host_first == 0) cursor_ = static_cast<uint16_t>(h.binding.host.port + 1);
    held_.push_back(std::move(h));
  }
  return out;
}

std::vector<Binding> PortAllocator::release(std::string_view owner) {
  std::vector<Binding> out;
  std::erase_if(held_, [&](Held& h) {
    if (h.owner != owner) return false;
    out.push_back(h.binding);
    return true;
  });
  return out;
}

}  // namespace nc::portmap
