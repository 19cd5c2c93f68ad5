// Turns off named offload features of a link (what `ethtool -K IFACE FEATURE off` does),
// through the SIOCETHTOOL ioctl inside the link's namespace.
//
// Why a lab needs it: veth links carry GSO super-packets whole, so a frame-size limit on
// the path (a 1500-byte segment between jumbo-frame hosts) never sees the real packet
// sizes. With UDP-tunnel segmentation off on a host's underlay link, the kernel cuts each
// VXLAN super-packet into real-sized packets before it leaves the host, as a NIC without
// tunnel offload would, and the path's limit applies to them.
#pragma once

#include <span>
#include <string_view>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab {

// `features` are the kernel's names ("tx-udp_tnl-segmentation"). Error when a name is
// unknown to the kernel or the ioctl fails, naming the link and namespace.
Result<void> disable_offloads(const Namespaces& ns, std::string_view ifname, std::span<const std::string_view> features);

}  // namespace nc::lab
