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

Result<void> OverlayControlPlane::unprogram(const Member& on, const Member& owner, const Endpoint& ep) {
  if (!owner.vtep) return {};
  auto fdb = on.rtnl->del_fdb(on.vxlan, ep.mac, *owner.vtep);
  auto neigh = on.rtnl->del_neigh(on.vxlan, ep.ip);
  return fdb ? neigh : fdb;
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

Result<void> OverlayControlPlane::leave(const std::string& network, netlink::Links* host) {
  auto it = nets_.find(network);
  if (it == nets_.end()) return {};
  auto& net = it->second;
  Result<void> out;
  auto keep = [&out](Result<void> r) {
    if (!r && out) out = std::move(r);
  };
  auto gone = std::ranges::find(net.members, host, &Member::rtnl);
  if (gone != net.members.end()) {
    // Its endpoints and its flood entry go from every other member; its own VXLAN device
    // (and every entry on it) goes with the network.
    for (auto& ep : net.endpoints)
      if (ep.host == host)
        for (auto& m : net.members)
          if (m.rtnl != host) keep(unprogram(m, *gone, ep));
    for (auto& m : net.members)
      if (m.rtnl != host && gone->vtep) keep(m.rtnl->del_fdb(m.vxlan, kFloodMac, *gone->vtep));
  }
  std::erase_if(net.members, [&](const Member& m) { return m.rtnl == host; });
  std::erase_if(net.endpoints, [&](const Endpoint& e) { return e.host == host; });
  if (net.members.empty()) nets_.erase(it);
  return out;
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

Result<void> OverlayControlPlane::remove_endpoint(const std::string& network, const IpAddr& ip) {
  auto it = nets_.find(network);
  if (it == nets_.end()) return {};
  auto& net = it->second;
  auto ep = std::ranges::find(net.endpoints, ip, &Endpoint::ip);
  if (ep == net.endpoints.end()) return {};
  Result<void> out;
  auto owner = std::ranges::find(net.members, ep->host, &Member::rtnl);
  if (owner != net.members.end())
    for (auto& m : net.members)
      if (m.rtnl != ep->host)
        if (auto r = unprogram(m, *owner, *ep); !r && out) out = std::move(r);
  net.endpoints.erase(ep);
  return out;
}

}  // namespace nc::drivers
