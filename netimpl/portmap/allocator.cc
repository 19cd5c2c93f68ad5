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

// Opens and binds the socket that holds `key` (IPv4). EADDRINUSE gets the documented text.
Result<UniqueFd> hold(const HostKey& key) {
  bool tcp = key.proto == "tcp";
  UniqueFd fd(::socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
  if (!fd) return sys_fail(fmt::format("socket for {}", key.str()));
  int one = 1;
  if (tcp) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(key.port);
  sa.sin_addr = key.ip ? key.ip->to_in() : in_addr{htonl(INADDR_ANY)};
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
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
                                                                  const std::vector<Placement>& placement) {
  std::vector<Held> out;
  for (const Placement& p : placement) {
    HostKey key{spec.proto, spec.host_ip, AF_INET, p.host_port};
    if (allocated(key)) return failf("Bind for {} failed: port is already allocated", key.str());
    out.push_back({owner, {key, p.container_port}, NC_TRY(hold(key))});
  }
  return out;
}

Result<std::vector<Binding>> PortAllocator::reserve(const std::string& owner, const api::PortSpec& spec) {
  if (spec.proto != "tcp" && spec.proto != "udp") return failf("publish: unknown protocol '{}'", spec.proto);
  if (spec.host_ip && !spec.host_ip->is_v4()) return failf("publish on {}: IPv6 host addresses are not supported yet", *spec.host_ip);
  auto placed = host_->run([&]() -> Result<std::vector<Held>> {
    PortRange eph{};
    if (spec.host_first == 0) eph = NC_TRY(ephemeral_range());
    auto alts = NC_TRY(alternatives(spec, eph, static_cast<uint16_t>(eph.first + cursor_ % std::max<uint32_t>(eph.size(), 1))));
    std::optional<Error> last;
    bool every_one_held = true;  // each alternative failed on a port another mapping holds
    for (auto& alt : alts) {
      auto r = try_place(owner, spec, alt);
      if (r) return r;
      last = r.error();
      every_one_held = every_one_held && std::ranges::any_of(alt, [&](const Placement& p) {
        return allocated(HostKey{spec.proto, spec.host_ip, AF_INET, p.host_port}).has_value();
      });
    }
    if (!last) return fail("publish: no host port to try");
    // A choice of ports that are all taken is Docker's ErrAllPortsAllocated (moby
    // portallocator, RequestPortsInRange), not the clash of one requested port.
    if (alts.size() > 1 && every_one_held) {
      auto [lo, hi] = std::ranges::minmax(alts | std::views::transform([](auto& a) { return a.front().host_port; }));
      return failf("all ports are allocated: host ports {}-{}/{} on {}", lo, hi, spec.proto,
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
