#include "netimpl/drivers/overlay_control.h"

#include <algorithm>

namespace nc::drivers {

namespace {
constexpr std::string_view kFloodMac = "00:00:00:00:00:00";
}

uint32_t OverlayControlPlane::vni(const std::string& network) {
  auto it = vnis_.find(network);
  if (it != vnis_.end()) return it->second;
  uint32_t v = 4096 + static_cast<uint32_t>(vnis_.size());
  vnis_.emplace(network, v);
  return v;
}

Result<void> OverlayControlPlane::program(const Member& on, const Member& owner, const Endpoint& ep) {
  if (!owner.vtep) return {};
  NC_TRY_VOID(on.rtnl->add_fdb(on.vxlan, ep.mac, *owner.vtep));
  return on.rtnl->add_neigh(on.vxlan, ep.ip, ep.mac);
}

Result<void> OverlayControlPlane::join(const std::string& network, const Member& m) {
  auto& net = nets_[network];
  for (auto& other : net.members) {
    if (!other.vtep || !m.vtep) continue;
    NC_TRY_VOID(m.rtnl->add_fdb(m.vxlan, kFloodMac, *other.vtep));
    NC_TRY_VOID(other.rtnl->add_fdb(other.vxlan, kFloodMac, *m.vtep));
  }
  for (auto& ep : net.endpoints) {
    auto owner = std::ranges::find(net.members, ep.host, &Member::rtnl);
    if (owner != net.members.end()) NC_TRY_VOID(program(m, *owner, ep));
  }
  net.members.push_back(m);
  return {};
}

void OverlayControlPlane::leave(const std::string& network, netlink::Rtnl* host) {
  auto it = nets_.find(network);
  if (it == nets_.end()) return;
  std::erase_if(it->second.members, [&](const Member& m) { return m.rtnl == host; });
  std::erase_if(it->second.endpoints, [&](const Endpoint& e) { return e.host == host; });
  if (it->second.members.empty()) nets_.erase(it);
}

Result<void> OverlayControlPlane::add_endpoint(const std::string& network, const Endpoint& ep) {
  auto& net = nets_[network];
  auto owner = std::ranges::find(net.members, ep.host, &Member::rtnl);
  if (owner == net.members.end()) return failf("overlay {}: endpoint {} on a host that has not joined", network, ep.ip);
  for (auto& m : net.members)
    if (m.rtnl != ep.host) NC_TRY_VOID(program(m, *owner, ep));
  net.endpoints.push_back(ep);
  return {};
}

void OverlayControlPlane::remove_endpoint(const std::string& network, const IpAddr& ip) {
  auto it = nets_.find(network);
  if (it != nets_.end()) std::erase_if(it->second.endpoints, [&](const Endpoint& e) { return e.ip == ip; });
}

}  // namespace nc::drivers
