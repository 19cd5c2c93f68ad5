// Single-request link primitives shared by the Rtnl methods. Internal to netimpl/netlink.
// Errors carry the kernel's errno and no context.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "netimpl/base/error.h"
#include "netimpl/netlink/owners.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {

// One RTM_GETLINK by name. Absent: an error with ENODEV.
Result<LinkPtr> get_link(nl_sock* sk, std::string_view name);
Result<int> index_of(nl_sock* sk, std::string_view name);
LinkInfo to_info(rtnl_link* l);
// ifindex -> name for every link (one dump), to name the devices in address/route lists.
Result<std::unordered_map<int, std::string>> link_names(nl_sock* sk);

// RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL: an existing name fails with EEXIST.
Result<void> add_link(nl_sock* sk, rtnl_link* link);
// Applies `changes` to the link called `name` in one request (the kernel finds it by name).
Result<void> change_by_name(nl_sock* sk, std::string_view name, rtnl_link* changes);
// Applies `changes` to the link with this index (for renames, where the name changes).
Result<void> change_by_index(nl_sock* sk, int index, rtnl_link* changes);

}  // namespace nc::netlink
