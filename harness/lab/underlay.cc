#include "harness/lab/underlay.h"

#include "harness/lab/link_ready.h"
#include "harness/lab/offload.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::lab {
namespace {

constexpr std::string_view kSegmentBridge = "ul";
constexpr std::chrono::milliseconds kLinkTimeout{3000};
// underlay0's ifindex in every host, and the segment's port for host i (10 + i). Left to
// the kernel, underlay0 would be 3 (after lo and eth0) like the segment's first port
// (after lo and the bridge), and that pair would wait up to 1 s for the kernel's
// rate-limited activation (link_ready.h). A host's own links start at 3, so 64 is free.
constexpr int kUnderlayIfindex = 64;
constexpr int kFirstPortIfindex = 10;

// One host's leg: a veth whose host end is underlay0 with the host's address, the other
// end a port of the segment bridge.
Result<void> join(netlink::Rtnl& segment, const Namespaces& segment_ns, const Namespaces& host, int i, int host_mtu) {
  const std::string port = fmt::format("ul-h{}", i);
  NC_TRY_VOID(segment.create_veth({.name = port, .peer = std::string(kUnderlayIfname), .peer_ns = &host, .mtu = 0,
                                   .ifindex = kFirstPortIfindex + i, .peer_ifindex = kUnderlayIfindex,
                                   .master = std::string(kSegmentBridge), .up = true}));
  auto rtnl = NC_TRY(netlink::Rtnl::open(host));
  NC_TRY_VOID(rtnl.add_address(kUnderlayIfname, NC_TRY(Prefix::parse(Underlay::address(i) + "/24"))));
  if (ipv6_enabled(host)) NC_TRY_VOID(rtnl.add_address(kUnderlayIfname, NC_TRY(Prefix::parse(Underlay::address6(i) + "/64"))));
  if (host_mtu > 0) {
    NC_TRY_VOID(rtnl.set_mtu(kUnderlayIfname, host_mtu));
    // Real-sized VXLAN packets on the wire (offload.h says why).
    static constexpr std::string_view kTunnelGso[] = {"tx-udp_tnl-segmentation", "tx-udp_tnl-csum-segmentation"};
    NC_TRY_VOID(disable_offloads(host, kUnderlayIfname, kTunnelGso));
  }
  NC_TRY_VOID(rtnl.set_up(kUnderlayIfname));
  NC_TRY_VOID(wait_link_running(host, kUnderlayIfname, kLinkTimeout));
  return wait_link_running(segment_ns, port, kLinkTimeout);
}

}  // namespace

std::string Underlay::address(int i) { return fmt::format("198.51.100.{}", i); }
std::string Underlay::address6(int i) { return fmt::format("2001:db8:100::{:x}", i); }

Result<Underlay> Underlay::create(const LabHost& first, int hosts, int host_mtu) {
  auto ctx = fmt::format("create underlay of {} hosts", hosts);
  Underlay u;
  u.first_ = &first;
  for (int i = 2; i <= hosts; ++i)
    u.extra_.push_back(NC_TRY_CTX(LabHost::create({.ip_forward = true, .name = fmt::format("host{}", i)}), "{}", ctx));
  u.segment_ = NC_TRY_CTX(Namespaces::create("underlay", kNsNet), "{}", ctx);
  auto seg = NC_TRY_CTX(netlink::Rtnl::open(u.segment_), "{}", ctx);
  NC_TRY_VOID_CTX(seg.create_bridge(kSegmentBridge), "{}", ctx);
  NC_TRY_VOID_CTX(seg.set_up(kSegmentBridge), "{}", ctx);
  for (int i = 1; i <= hosts; ++i)
    NC_TRY_VOID_CTX(join(seg, u.segment_, u.host(i).host(), i, host_mtu), "{}: join host {}", ctx, i);
  return u;
}

}  // namespace nc::lab
