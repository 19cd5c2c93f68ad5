#include "harness/lab/lab_reset.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netimpl/netlink/rtnl.h"
#include "netimpl/nft/conntrack.h"

namespace nc::lab {
namespace {

// IPv6 link-local addresses and their routes come and go with DAD after a link is up: not
// something a check leaves behind.
bool link_local(const Prefix& p) { return p.addr().is_v6() && p.addr().is_link_local(); }

// The external namespace belongs to the lab alone, so all of it is compared; in the host
// the runtime owns bridges and their routes, so only the LAN link counts there.
Result<void> describe(const Namespaces& ns, bool lan_only, std::vector<std::string>& out) {
  auto rtnl = NC_TRY(netlink::Rtnl::open(ns));
  for (auto& a : NC_TRY(rtnl.addresses()))
    if ((!lan_only || a.ifname == kLanIfname) && !link_local(a.prefix)) out.push_back(fmt::format("{}: addr {} {}", ns.name(), a.ifname, a.prefix));
  for (int family : {AF_INET, AF_INET6})
    for (auto& r : NC_TRY(rtnl.routes(family))) {
      if ((lan_only && r.dev != kLanIfname) || link_local(r.dst)) continue;
      out.push_back(fmt::format("{}: route {} via {} dev {}", ns.name(), r.dst,
                                r.gateway ? fmt::format("{}", *r.gateway) : "-", r.dev));
    }
  return {};
}

}  // namespace

Result<std::vector<std::string>> lab_state(const LabHost& host) {
  std::vector<std::string> out;
  NC_TRY_VOID(describe(host.external(), false, out));
  NC_TRY_VOID(describe(host.host(), true, out));
  std::ranges::sort(out);
  return out;
}

Result<void> reset_lab_host(const LabHost& host, const std::vector<std::string>& initial) {
  for (const Namespaces* ns : {&host.host(), &host.external()}) {
    auto rtnl = NC_TRY(netlink::Rtnl::open(*ns));
    NC_TRY_VOID(rtnl.flush_neighbours());
    NC_TRY_VOID(nft::flush_all_conntrack(*ns));
  }
  // A `lab_link` step may have lowered the uplink's MTU; the lab's is 1500.
  NC_TRY_VOID(NC_TRY(netlink::Rtnl::open(host.host())).set_mtu(kLanIfname, 1500));
  auto now = NC_TRY(lab_state(host));
  if (now == initial) return {};
  std::vector<std::string> diff;
  for (auto& l : now)
    if (!std::ranges::binary_search(initial, l)) diff.push_back("+ " + l);
  for (auto& l : initial)
    if (!std::ranges::binary_search(now, l)) diff.push_back("- " + l);
  return failf("lab host differs after the check: {}", fmt::join(diff, "; "));
}

}  // namespace nc::lab
