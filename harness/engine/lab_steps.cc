#include "harness/engine/lab_steps.h"

#include <sys/socket.h>

#include "harness/lab/offload.h"
#include "harness/lab/topology.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/nft/conntrack.h"

namespace nc::engine {

Result<nlohmann::json> set_lab_uplink(const LabPlaces& lab, const checks::LabLink& a) {
  if (!lab.host) return fail("lab_link: the lab has no host namespace");
  auto rtnl = NC_TRY(netlink::Rtnl::open(*lab.host));
  NC_TRY_VOID(rtnl.set_mtu(lab::kLanIfname, a.mtu));
  if (lab.external) {
    static constexpr std::string_view kTso[] = {"tx-tcp-segmentation", "tx-tcp-ecn-segmentation",
                                                 "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation"};
    NC_TRY_VOID(lab::disable_offloads(*lab.external, lab::kLanIfname, kTso));
  }
  auto link = NC_TRY(rtnl.find_link(lab::kLanIfname));
  int mtu = link ? link->mtu : 0;
  if (mtu != a.mtu) return failf("lab_link: the uplink's MTU reads {} after setting {}", mtu, a.mtu);
  return nlohmann::json{{"ok", true}, {"mtu", mtu}};
}

Result<nlohmann::json> flush_lab_conntrack(const LabPlaces& lab, const checks::ConntrackFlush& a) {
  if (!lab.host) return fail("conntrack_flush: the lab has no host namespace");
  int deleted = 0;
  for (int family : {AF_INET, AF_INET6})
    deleted += NC_TRY(nft::flush_conntrack(*lab.host, nft::ConntrackMatch{.proto = a.proto, .port = a.port, .family = family, .dst = {}}));
  return nlohmann::json{{"ok", true}, {"deleted", deleted}};
}

}  // namespace nc::engine
