// CniRuntime: published ports. portmap maps what it is given and checks nothing, so
// choosing and reserving host ports is the runtime's job (as in any CNI runtime): a
// host-port range for one container port takes the first free port of the range ("all
// ports are allocated" when none is left); a port of 0 takes a free one from 32768 up; a
// port another container maps on an overlapping address is refused with "port is already
// allocated". The runtime holds no socket on
// the host port: portmap's DNAT is the whole mapping.
#include <fmt/format.h>

#include "harness/runtimes/cni/cni_runtime.h"

namespace nc::cni {

using nlohmann::json;

namespace {

bool overlaps(const std::optional<IpAddr>& a, const std::optional<IpAddr>& b) {
  return !a || !b || a->is_unspecified() || b->is_unspecified() || *a == *b;
}

}  // namespace

const CniRuntime::Container* CniRuntime::port_holder(Proto proto, const std::optional<IpAddr>& ip,
                                                     uint16_t port, const Container& adding) const {
  auto holds = [&](const Container& c) {
    for (auto& p : c.ports)
      if (p.proto == proto && p.host_port == port && overlaps(p.host_ip, ip)) return true;
    return false;
  };
  if (holds(adding)) return &adding;
  for (auto& [name, c] : containers_)
    if (holds(c)) return &c;
  return nullptr;
}

Result<json> CniRuntime::port_mappings(const std::vector<api::PortSpec>& publish, Container& c) {
  json maps = json::array();
  auto add = [&](const api::PortSpec& p, uint16_t host, uint16_t cont) {
    json m = {{"hostPort", host}, {"containerPort", cont}, {"protocol", proto_name(p.proto)}};
    if (p.host_ip) m["hostIP"] = p.host_ip->str();
    maps.push_back(m);
    c.ports.push_back({.proto = p.proto, .host_ip = p.host_ip, .host_port = host, .container_port = cont});
  };
  for (auto& p : publish) {
    int n = p.container_last - p.container_first + 1;
    int hosts = p.host_first == 0 ? 0 : p.host_last - p.host_first + 1;
    if (n < 1) return failf("publish: container ports {}-{} are no range", p.container_first, p.container_last);
    if (p.host_first == 0 || (n == 1 && hosts > 1)) {
      // One free port: of the range, or any from 32768 up.
      int first = p.host_first == 0 ? next_random_port_ : p.host_first;
      int last = p.host_first == 0 ? 60999 : p.host_last;
      for (int i = 0; i < n; ++i) {
        int port = first;
        while (port <= last && port_holder(p.proto, p.host_ip, static_cast<uint16_t>(port), c)) ++port;
        if (port > last)
          return failf("publish {}-{}/{}: no free host port in the range: all ports are allocated", p.host_first,
                       p.host_last, p.proto);
        add(p, static_cast<uint16_t>(port), static_cast<uint16_t>(p.container_first + i));
        if (p.host_first == 0) next_random_port_ = static_cast<uint16_t>(port + 1);
        first = port + 1;
      }
      continue;
    }
    if (hosts != n) return failf("publish {}-{}:{}-{}: host and container ranges differ in size", p.host_first,
                                 p.host_last, p.container_first, p.container_last);
    for (int i = 0; i < n; ++i) {
      auto host = static_cast<uint16_t>(p.host_first + i);
      if (auto* holder = port_holder(p.proto, p.host_ip, host, c))
        return failf("publish {}/{}: port is already allocated (container {} maps it)", host, p.proto, holder->name);
      add(p, host, static_cast<uint16_t>(p.container_first + i));
    }
  }
  return maps;
}

}  // namespace nc::cni
