// Creating one link of each kind the runtimes need, to see whether the kernel can.
//
// Each probe creates its link(s) in the namespace `rtnl` is bound to — a throwaway
// namespace made for probing — and leaves them there for the namespace's owner to drop.
// On success the result is a short note of what was created; on failure the error is the
// kernel's answer with its errno (EOPNOTSUPP: the kernel lacks that link type).
// The macvlan is a child of the veth probe's link, so run probe_veth first. The ipvlan
// gets a veth pair of its own as parent: a link that already carries a macvlan refuses an
// ipvlan with EBUSY, which is no sign of a kernel without ipvlan.
#pragma once

#include <string>

#include "netimpl/base/error.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::kernel {

inline constexpr const char* kProbeVeth = "ncp-veth0";          // parent of the macvlan
inline constexpr const char* kProbeIpvlanParent = "ncp-veth2";  // parent of the ipvlan (peer ncp-veth3)

Result<std::string> probe_veth(netlink::Rtnl& rtnl);
Result<std::string> probe_bridge(netlink::Rtnl& rtnl);
Result<std::string> probe_vxlan(netlink::Rtnl& rtnl);
Result<std::string> probe_macvlan(netlink::Rtnl& rtnl);
Result<std::string> probe_ipvlan(netlink::Rtnl& rtnl);
// A netem root qdisc (delay 1 ms) on the veth probe's link, read back. Run probe_veth
// first. A kernel without sch_netem answers ENOENT (judged "kernel lacks
// CONFIG_NET_SCH_NETEM"). When sch_netem is a module of this kernel that is not loaded,
// the qdisc is not tried (creating it would make the kernel load the module, and
// netconform never loads modules): an EAGAIN error saying so (judged "probe failed").
Result<std::string> probe_netem(netlink::Rtnl& rtnl);

}  // namespace nc::kernel
