// The overlay driver: one layer-2 network spanning hosts, as VXLAN over the underlay.
//
// On each host the network is a bridge "ov-<name>" with a VXLAN device "vx-<name>" (UDP
// 4789, the network's VNI, bound to the host's underlay link "underlay0" and its address,
// learning off) as a port, and a veth per endpoint as for a bridge network. Forwarding
// entries come from the static control plane (overlay_control.h), not from learning.
//
// MTU: VXLAN adds 50 bytes (outer Ethernet 14, IP 20, UDP 8, VXLAN 8), so the network's
// links default to the underlay's MTU minus 50; a spec's mtu overrides it as given (that
// is how SCN-DRV-001 builds the black hole). Without an underlay link (a one-host lab) the
// VXLAN has no peers and 1500 − 50 is assumed.
//
// Overlay networks carry container-to-container traffic only: no gateway address, no
// default route through them, no masquerade or published ports (Docker sends egress of
// overlay containers through a second, bridge network; a check attaches one if it needs it).
#pragma once

#include <map>
#include <memory>

#include "netimpl/drivers/driver.h"
#include "netimpl/drivers/overlay_control.h"

namespace nc::drivers {

inline constexpr std::string_view kUnderlayIfname = "underlay0";
inline constexpr int kVxlanOverhead = 50;

class OverlayDriver : public Driver {
 public:
  explicit OverlayDriver(std::shared_ptr<OverlayControlPlane> control) : control_(std::move(control)) {}
  std::string name() const override { return "overlay"; }
  std::vector<std::string> requirements() const override { return {"vxlan", "bridge", "veth"}; }
  bool spans_hosts() const override { return true; }
  Result<void> validate(const api::NetworkSpec& spec) const override;
  Result<void> create_network(HostContext& host, NetworkState& net) override;
  Result<void> remove_network(HostContext& host, NetworkState& net) override;
  Result<void> attach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;
  Result<void> detach(HostContext& host, NetworkState& net, SandboxContext& sb, EndpointState& ep) override;

  // "ov-<name>" / "vx-<name>", hashed like bridge names when the name does not fit.
  static std::string link_name(std::string_view prefix, std::string_view network);

 private:
  struct Underlay {
    std::optional<IpAddr> vtep;
    int mtu = 1500;
  };
  static Result<Underlay> underlay(HostContext& host);
  int mtu_of(const NetworkState& net) const;

  std::shared_ptr<OverlayControlPlane> control_;
  std::map<std::string, int, std::less<>> mtus_;  // per network, as created
};

}  // namespace nc::drivers
